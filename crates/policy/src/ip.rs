//! IPv4 and IPv6 addresses and CIDR blocks, parsed by hand (no `std::net`
//! string parsing, so the accepted forms are exactly the ones written here).
//!
//! IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) are treated as the IPv4
//! address they carry, so they match IPv4 blocks.

/// An IP address: IPv4 in the low 32 bits, or IPv6.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpAddr {
    /// IPv4.
    V4(u32),
    /// IPv6.
    V6(u128),
}

/// A CIDR block (`10.0.0.0/8`, `2001:db8::/32`); a bare address is a /32 or
/// /128 block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl IpAddr {
    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text.
    pub fn parse(text: &str) -> Option<IpAddr> {
        let text = text.trim();
        if text.contains(':') {
            let v = parse_v6(text)?;
            if v >> 32 == 0xffff {
                return Some(IpAddr::V4(u32::try_from(v & 0xffff_ffff).ok()?));
            }
            Some(IpAddr::V6(v))
        } else {
            parse_v4(text).map(IpAddr::V4)
        }
    }
}

impl Cidr {
    /// Parses `address/prefix` or a bare address.
    pub fn parse(text: &str) -> Option<Cidr> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr = if addr.contains(':') {
            // keep the block IPv6 even when it is written in mapped form
            IpAddr::V6(parse_v6(addr)?)
        } else {
            IpAddr::V4(parse_v4(addr)?)
        };
        let max = match addr {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => 128,
        };
        let prefix = match prefix {
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.len() <= 3 => {
                p.parse::<u8>().ok().filter(|p| *p <= max)?
            }
            Some(_) => return None,
            None => max,
        };
        // IPv4-mapped IPv6 blocks of /96 or longer are IPv4 blocks
        match addr {
            IpAddr::V6(v) if prefix >= 96 && v >> 32 == 0xffff => {
                let v4 = u32::try_from(v & 0xffff_ffff).ok()?;
                Some(Cidr {
                    addr: IpAddr::V4(v4),
                    prefix: prefix - 96,
                })
            }
            _ => Some(Cidr { addr, prefix }),
        }
    }

    /// Whether `ip` lies in the block.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - u32::from(self.prefix))
                };
                net & mask == ip & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - u32::from(self.prefix))
                };
                net & mask == ip & mask
            }
            _ => false,
        }
    }
}

fn parse_v4(text: &str) -> Option<u32> {
    let mut out = 0u32;
    let mut parts = 0;
    for part in text.split('.') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = part.parse().ok()?;
        if n > 255 {
            return None;
        }
        out = (out << 8) | n;
        parts += 1;
    }
    (parts == 4).then_some(out)
}

fn parse_v6(text: &str) -> Option<u128> {
    if text.contains('%') {
        return None; // zone ids never appear in policies or request contexts
    }
    let (head, tail, compressed) = match text.split_once("::") {
        Some((h, t)) => {
            if t.contains("::") {
                return None;
            }
            (h, t, true)
        }
        None => (text, "", false),
    };
    let mut groups: Vec<u16> = Vec::with_capacity(8);
    let mut tail_groups: Vec<u16> = Vec::with_capacity(8);
    parse_groups(head, &mut groups, !compressed)?;
    if compressed {
        parse_groups(tail, &mut tail_groups, true)?;
    }
    let total = groups.len() + tail_groups.len();
    if compressed {
        if total > 7 {
            return None;
        }
        groups.resize(8 - tail_groups.len(), 0);
        groups.extend_from_slice(&tail_groups);
    } else if total != 8 {
        return None;
    }
    Some(
        groups
            .iter()
            .fold(0u128, |acc, g| (acc << 16) | u128::from(*g)),
    )
}

/// Parses colon-separated hex groups; the last one may be a dotted IPv4
/// address when `allow_v4_tail`.
fn parse_groups(text: &str, out: &mut Vec<u16>, allow_v4_tail: bool) -> Option<()> {
    if text.is_empty() {
        return Some(());
    }
    let parts: Vec<&str> = text.split(':').collect();
    let last = parts.len() - 1;
    for (i, part) in parts.iter().enumerate() {
        if i == last && allow_v4_tail && part.contains('.') {
            let v4 = parse_v4(part)?;
            out.push(u16::try_from(v4 >> 16).ok()?);
            out.push(u16::try_from(v4 & 0xffff).ok()?);
            continue;
        }
        if part.is_empty() || part.len() > 4 || !part.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        out.push(u16::from_str_radix(part, 16).ok()?);
    }
    (out.len() <= 8).then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4() {
        assert_eq!(IpAddr::parse("192.0.2.1"), Some(IpAddr::V4(0xc000_0201)));
        assert_eq!(IpAddr::parse("0.0.0.0"), Some(IpAddr::V4(0)));
        for bad in [
            "256.0.0.1",
            "1.2.3",
            "1.2.3.4.5",
            "1..2.3",
            "a.b.c.d",
            "",
            "1.2.3.-4",
            "1234.1.1.1",
        ] {
            assert_eq!(IpAddr::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn ipv6() {
        assert_eq!(IpAddr::parse("::1"), Some(IpAddr::V6(1)));
        assert_eq!(IpAddr::parse("::"), Some(IpAddr::V6(0)));
        assert_eq!(
            IpAddr::parse("2001:db8::8a2e:370:7334"),
            Some(IpAddr::V6(0x2001_0db8_0000_0000_0000_8a2e_0370_7334))
        );
        assert_eq!(
            IpAddr::parse("2001:0db8:0000:0000:0000:8a2e:0370:7334"),
            IpAddr::parse("2001:db8::8a2e:370:7334")
        );
        assert_eq!(
            IpAddr::parse("::ffff:192.0.2.1"),
            Some(IpAddr::V4(0xc000_0201))
        );
        assert_eq!(
            IpAddr::parse("64:ff9b::192.0.2.1"),
            Some(IpAddr::V6(0x0064_ff9b_0000_0000_0000_0000_c000_0201))
        );
        for bad in [
            "1::2::3",
            "12345::",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7",
            "g::",
            "fe80::1%eth0",
            ":1",
            "1:2:3:4:5:6:7::8:9",
        ] {
            assert_eq!(IpAddr::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn cidr_blocks() {
        let c = Cidr::parse("203.0.113.0/24").unwrap();
        assert!(c.contains(IpAddr::parse("203.0.113.77").unwrap()));
        assert!(!c.contains(IpAddr::parse("203.0.114.1").unwrap()));
        assert!(!c.contains(IpAddr::parse("2001:db8::1").unwrap()));
        // host bits in the block are ignored, as AWS does
        assert!(
            Cidr::parse("10.1.2.3/8")
                .unwrap()
                .contains(IpAddr::parse("10.200.0.1").unwrap())
        );
        assert!(
            Cidr::parse("0.0.0.0/0")
                .unwrap()
                .contains(IpAddr::parse("8.8.8.8").unwrap())
        );
        assert!(
            Cidr::parse("192.0.2.1")
                .unwrap()
                .contains(IpAddr::parse("192.0.2.1").unwrap())
        );
        assert!(
            !Cidr::parse("192.0.2.1")
                .unwrap()
                .contains(IpAddr::parse("192.0.2.2").unwrap())
        );
        let v6 = Cidr::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(IpAddr::parse("2001:db8:ffff::1").unwrap()));
        assert!(!v6.contains(IpAddr::parse("2001:db9::1").unwrap()));
        assert!(
            Cidr::parse("::/0")
                .unwrap()
                .contains(IpAddr::parse("::1").unwrap())
        );
        // mapped addresses match IPv4 blocks
        assert!(c.contains(IpAddr::parse("::ffff:203.0.113.9").unwrap()));
        assert!(
            Cidr::parse("::ffff:203.0.113.0/120")
                .unwrap()
                .contains(IpAddr::parse("203.0.113.5").unwrap())
        );
        for bad in [
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.0.0/a",
            "::/129",
            "10.0.0/8",
            "/8",
        ] {
            assert_eq!(Cidr::parse(bad), None, "{bad}");
        }
    }
}
