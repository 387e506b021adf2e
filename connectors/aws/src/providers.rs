//! Row 3.4 of docs/aws-escalation-methods.md: rewriting a SAML provider.
//! `iam:UpdateSAMLProvider` replaces the provider's metadata, signing
//! certificate included; the attacker then signs its own assertions, and
//! every role whose trust lets that provider in (`sts:AssumeRoleWithSAML`)
//! is open to it: the trust's conditions on SAML attributes (`SAML:aud`,
//! `SAML:sub`) hold whatever the attacker puts in the assertion.
//!
//! Row 3.5 (`iam:UpdateOpenIDConnectProviderThumbprint`) is not an edge:
//! AWS validates issuers whose certificates chain to a CA it trusts
//! without the thumbprint, and a self-hosted issuer also needs its keys
//! served at its own URL.

use std::collections::{BTreeMap, BTreeSet};

use blastgraph_model::{EdgeKind, EstateBuilder};
use blastgraph_policy::{PolicyKind, PolicySet, Request, evaluate};

use crate::{Facts, allowing, identity_statement};

const UPDATE: &str = "iam:UpdateSAMLProvider";

impl Facts {
    pub(crate) fn emit_provider_takeover(
        &self,
        out: &mut EstateBuilder,
        escalated: &BTreeSet<usize>,
    ) {
        // SAML provider ARN → roles whose trust lets it in.
        let mut by_provider: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for (r, role) in self.idents.iter().enumerate() {
            for (_, parsed, providers) in self.federated_trust(role) {
                if !parsed.matches_action("sts:AssumeRoleWithSAML") {
                    continue;
                }
                for p in providers
                    .into_iter()
                    .filter(|p| p.contains(":saml-provider/"))
                {
                    by_provider.entry(p).or_default().insert(r);
                }
            }
        }
        if by_provider.is_empty() {
            return;
        }
        for c in self.callers() {
            if escalated.contains(&c.ix) {
                continue;
            }
            let grants: Vec<_> = allowing(&c.identity, UPDATE).collect();
            if grants.is_empty() {
                continue;
            }
            let set = PolicySet {
                scp: &self.org_levels(&c.ident.account, PolicyKind::Scp),
                identity: &c.identity,
                boundary: c.boundary,
                ..PolicySet::default()
            };
            for (provider, roles) in &by_provider {
                // IAM has no resource policies: only the caller's own
                // account's providers can be rewritten.
                if provider.split(':').nth(4) != Some(c.ident.account.as_str())
                    || !grants.iter().any(|s| s.may_match_resource(provider))
                {
                    continue;
                }
                let e = evaluate(&Request::new(c.principal, UPDATE, provider), &set);
                if !e.is_allowed() {
                    continue;
                }
                for &r in roles {
                    let Some(role) = self.idents.get(r) else {
                        continue;
                    };
                    if role.arn == c.ident.arn {
                        continue;
                    }
                    let reason = format!(
                        "{} can act as {}: {UPDATE} on {provider} puts its own signing key in the provider's metadata, and the role trusts the provider",
                        c.ident.label, role.label
                    );
                    out.add_edge(self.decided_edge(
                        c.ident,
                        role.arn.clone(),
                        EdgeKind::CanActAs,
                        (reason, " allowed by ", identity_statement(&e)),
                        UPDATE.to_string(),
                        &e,
                    ));
                }
            }
        }
    }
}
