//! Dates for the `Date*` condition operators: ISO 8601 (W3C profile) and
//! epoch seconds, both turned into milliseconds since the Unix epoch.

/// Parses `2024-01-31`, `2024-01-31T10:20`, `2024-01-31T10:20:30.5Z`,
/// `2024-01-31T10:20:30+02:00` (also `+0200` and lower-case `t`/`z`), or an
/// integer or decimal count of epoch seconds. Times without an offset are
/// UTC.
pub(crate) fn parse_millis(text: &str) -> Option<i64> {
    let text = text.trim();
    if !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && !text[1..].contains('-')
    {
        let secs: f64 = text.parse().ok()?;
        return finite_millis(secs * 1000.0);
    }
    let b = text.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = num(&text[0..4])?;
    let month = num(&text[5..7])?;
    let day = num(&text[8..10])?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut millis = days_from_civil(year, month, day) * 86_400_000;
    let rest = &text[10..];
    if rest.is_empty() {
        return Some(millis);
    }
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix('t'))?;
    // split the clock from the zone designator
    let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(zone_at);
    let mut fields = clock.splitn(3, ':');
    let hour = num(fields.next()?)?;
    let minute = num(fields.next()?)?;
    let (second, frac) = match fields.next() {
        Some(s) => match s.split_once('.') {
            Some((s, f)) => (num(s)?, frac_millis(f)?),
            None => (num(s)?, 0),
        },
        None => (0, 0),
    };
    if hour > 24 || minute > 59 || second > 60 {
        return None;
    }
    millis += ((hour * 60 + minute) * 60 + second) * 1000 + frac;
    let offset = match zone {
        "" | "Z" | "z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let digits: String = z[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 {
                return None;
            }
            let h = num(&digits[0..2])?;
            let m = num(&digits[2..4])?;
            sign * (h * 60 + m) * 60_000
        }
    };
    Some(millis - offset)
}

fn finite_millis(v: f64) -> Option<i64> {
    if v.is_finite() && v.abs() < 9.0e15 {
        // the range check above makes the conversion exact enough
        Some(v.round() as i64)
    } else {
        None
    }
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn frac_millis(f: &str) -> Option<i64> {
    if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let padded: String = f.chars().chain("000".chars()).take(3).collect();
    padded.parse().ok()
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// `2024-01-31T10:20:30Z` for milliseconds since the epoch (the
/// fraction of a second dropped).
pub(crate) fn format_millis(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::{format_millis, parse_millis};

    #[test]
    fn format_round_trips() {
        for t in [
            "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:59Z",
            "1969-12-31T12:00:00Z",
            "2026-12-04T23:01:55Z",
        ] {
            assert_eq!(format_millis(parse_millis(t).unwrap()), t);
        }
    }

    #[test]
    fn iso_and_epoch() {
        assert_eq!(parse_millis("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_millis("1970-01-02"), Some(86_400_000));
        assert_eq!(
            parse_millis("2020-01-01T00:00:00Z"),
            Some(1_577_836_800_000)
        );
        assert_eq!(parse_millis("1577836800"), Some(1_577_836_800_000));
        assert_eq!(
            parse_millis("2020-01-01T02:00:00+02:00"),
            Some(1_577_836_800_000)
        );
        assert_eq!(
            parse_millis("2019-12-31T19:00:00-0500"),
            Some(1_577_836_800_000)
        );
        assert_eq!(
            parse_millis("2020-01-01T00:00:00.250Z"),
            Some(1_577_836_800_250)
        );
        assert_eq!(parse_millis("2020-01-01T00:00"), Some(1_577_836_800_000));
        assert_eq!(parse_millis("2024-02-29"), Some(1_709_164_800_000));
        for bad in [
            "2023-02-29",
            "2020-13-01",
            "2020-01-01T25:00:00Z",
            "yesterday",
            "",
            "2020-01-01T00:00:00+2",
        ] {
            assert_eq!(parse_millis(bad), None, "{bad}");
        }
    }
}
