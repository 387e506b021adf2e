//! Shared ids: one function per node kind that more than one connector can
//! name.
//!
//! A GitHub Actions workflow trusted by an AWS role, an Entra application's
//! federated credential and a Vault JWT role is *one* node, because all
//! three connectors build its id here. A connector links to another
//! provider's identity only by calling these functions, never by knowing
//! the other crate. The forms are documented in `docs/ids.md`; changing
//! one changes every snapshot's ids, so they are pinned by tests.
//!
//! Normalisation is the part that matters: an issuer is written without
//! its scheme and trailing slash and with its host in lower case (AWS
//! names an OIDC provider `token.actions.githubusercontent.com`, Entra and
//! Vault write `https://token.actions.githubusercontent.com`); Entra object
//! ids and ARM resource ids are case-insensitive and lower-cased; GitHub
//! owner and repository names are case-insensitive and lower-cased.

/// The issuer of GitHub Actions OIDC tokens, as [`oidc_issuer`] writes it.
pub const GITHUB_ACTIONS_ISSUER: &str = "token.actions.githubusercontent.com";

/// An OIDC issuer as ids carry it: no `https://`, no trailing `/`, host in
/// lower case, path kept as it is (EKS issuers end in a case-sensitive id).
pub fn oidc_issuer(issuer: &str) -> String {
    let s = issuer.trim();
    let s = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("HTTPS://"))
        .unwrap_or(s);
    let s = s.trim_end_matches('/');
    match s.split_once('/') {
        Some((host, path)) => format!("{}/{path}", host.to_ascii_lowercase()),
        None => s.to_ascii_lowercase(),
    }
}

/// A federated subject: `SCHEME:ISSUER:sub=SUBJECT`. `scheme` is `oidc`
/// (the issuer is normalised by [`oidc_issuer`]) or `saml` (the issuer is
/// the SAML provider's id, e.g. its ARN, kept as it is).
pub fn federated_subject(scheme: &str, issuer: &str, subject: &str) -> String {
    if scheme == "oidc" {
        format!("oidc:{}:sub={subject}", oidc_issuer(issuer))
    } else {
        format!("{scheme}:{issuer}:sub={subject}")
    }
}

/// An OIDC subject: `oidc:ISSUER:sub=SUBJECT`.
pub fn oidc_subject(issuer: &str, subject: &str) -> String {
    federated_subject("oidc", issuer, subject)
}

/// A GitHub Actions subject (the token's `sub` claim, e.g.
/// `repo:acme/api:ref:refs/heads/main`), as an OIDC subject of
/// [`GITHUB_ACTIONS_ISSUER`].
pub fn github_actions_subject(sub: &str) -> String {
    oidc_subject(GITHUB_ACTIONS_ISSUER, sub)
}

/// What a GitHub Actions job's token says it runs for: the three forms of
/// the default `sub` claim (a repository's customised template changes
/// them; the GitHub connector applies it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GithubRunContext<'a> {
    /// A push or dispatch on a ref (`refs/heads/main`, `refs/tags/v1`).
    Ref(&'a str),
    /// A job that names a deployment environment.
    Environment(&'a str),
    /// A `pull_request` run.
    PullRequest,
}

/// The default `sub` claim of a GitHub Actions token:
/// `repo:OWNER/REPO:ref:REF`, `repo:OWNER/REPO:environment:NAME` or
/// `repo:OWNER/REPO:pull_request`. Owner and repository keep their case:
/// the claim carries the names as GitHub spells them, and trust policies
/// compare them as strings.
pub fn github_actions_sub(owner: &str, repo: &str, run: GithubRunContext<'_>) -> String {
    match run {
        GithubRunContext::Ref(r) => format!("repo:{owner}/{repo}:ref:{r}"),
        GithubRunContext::Environment(e) => format!("repo:{owner}/{repo}:environment:{e}"),
        GithubRunContext::PullRequest => format!("repo:{owner}/{repo}:pull_request"),
    }
}

/// A GitHub repository: `github:repo/OWNER/REPO`, lower case (GitHub names
/// are case-insensitive).
pub fn github_repo(owner: &str, repo: &str) -> String {
    format!(
        "github:repo/{}/{}",
        owner.to_ascii_lowercase(),
        repo.to_ascii_lowercase()
    )
}

/// A GitHub App, by its numeric id or slug: `github:app/ID`.
pub fn github_app(app: &str) -> String {
    format!("github:app/{}", app.to_ascii_lowercase())
}

/// The `sub` claim of a Kubernetes service account token:
/// `system:serviceaccount:NAMESPACE:NAME`.
pub fn k8s_service_account_sub(namespace: &str, name: &str) -> String {
    format!("system:serviceaccount:{namespace}:{name}")
}

/// A Kubernetes service account: the OIDC subject its token carries under
/// its cluster's issuer (`oidc:ISSUER:sub=system:serviceaccount:NS:NAME`),
/// so that IRSA, Azure workload identity and Vault's Kubernetes auth,
/// which all check issuer and subject, name the same node.
pub fn k8s_service_account(cluster_issuer: &str, namespace: &str, name: &str) -> String {
    oidc_subject(cluster_issuer, &k8s_service_account_sub(namespace, name))
}

/// A namespaced Kubernetes object of a cluster (a secret, a role):
/// `k8s:ISSUER/namespaces/NS/KIND/NAME` (`KIND` plural and lower case, as
/// the API names it: `secrets`, `roles`).
pub fn k8s_object(cluster_issuer: &str, namespace: &str, kind: &str, name: &str) -> String {
    format!(
        "k8s:{}/namespaces/{namespace}/{kind}/{name}",
        oidc_issuer(cluster_issuer)
    )
}

/// A Kubernetes user or group a binding names (not a service account):
/// `k8s:ISSUER/users/NAME`, `k8s:ISSUER/groups/NAME`.
pub fn k8s_subject(cluster_issuer: &str, kind: &str, name: &str) -> String {
    format!("k8s:{}/{kind}/{name}", oidc_issuer(cluster_issuer))
}

/// Whoever holds `cluster-admin` over a cluster: `k8s:ISSUER/cluster-admin`.
pub fn k8s_cluster_admin(cluster_issuer: &str) -> String {
    format!("k8s:{}/cluster-admin", oidc_issuer(cluster_issuer))
}

/// An Entra ID (Azure AD) object (user, group, service principal,
/// application, directory role): `entra:OBJECT-ID`, lower case.
pub fn entra_object(object_id: &str) -> String {
    format!("entra:{}", object_id.trim().to_ascii_lowercase())
}

/// An ARM resource or sub-resource (a scope too): `arm:/subscriptions/…`,
/// lower case, one leading `/`, no trailing `/`.
pub fn arm_resource(resource_id: &str) -> String {
    let s = resource_id.trim().trim_matches('/').to_ascii_lowercase();
    format!("arm:/{s}")
}

/// An AWS resource or principal: its ARN as it is.
pub fn aws_arn(arn: &str) -> String {
    arn.to_string()
}

/// A Secrets Manager secret from its *full* ARN, without the six random
/// characters AWS appends to the name (`…:secret:db-pass-AbCdEf` →
/// `…:secret:db-pass`), so that policies and other providers that name the
/// secret by name meet the same node. A full ARN always carries the
/// suffix; an ARN without it is returned as it is.
pub fn aws_secret(full_arn: &str) -> String {
    let Some(i) = full_arn.find(":secret:") else {
        return full_arn.to_string();
    };
    let name = &full_arn[i + ":secret:".len()..];
    match name.rsplit_once('-') {
        Some((base, suffix))
            if !base.is_empty()
                && suffix.len() == 6
                && suffix.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            full_arn[..full_arn.len() - 7].to_string()
        }
        _ => full_arn.to_string(),
    }
}

/// The admin scope of an AWS account: `aws:account/ACCOUNT/admin`.
pub fn aws_account_admin(account: &str) -> String {
    format!("aws:account/{account}/admin")
}

/// The admin scope of an Entra tenant (Global Administrator-equivalent
/// control): `entra:tenant/TENANT-ID/admin`.
pub fn entra_tenant_admin(tenant_id: &str) -> String {
    format!(
        "entra:tenant/{}/admin",
        tenant_id.trim().to_ascii_lowercase()
    )
}

/// Microsoft 365 data of a tenant, by path: `m365:TENANT/exchange/mailboxes`,
/// `m365:TENANT/sharepoint/sites`, `m365:TENANT/onedrive/drives`, and one
/// user's share of it with the user's object id appended
/// (`m365:TENANT/exchange/mailboxes/USER-OBJECT-ID`).
pub fn m365_data(tenant_id: &str, path: &str) -> String {
    format!(
        "m365:{}/{}",
        tenant_id.trim().to_ascii_lowercase(),
        path.trim_matches('/').to_ascii_lowercase()
    )
}

/// The owner scope of an ARM scope (management group, subscription,
/// resource group): `arm:/subscriptions/S/owner`.
pub fn arm_scope_owner(scope: &str) -> String {
    format!("{}/owner", arm_resource(scope))
}

/// A Vault secrets-engine or auth mount: `vault:CLUSTER/MOUNT`. `cluster`
/// names the Vault server (its address host, or a name the user gives);
/// namespaces are part of the mount path (`ns1/secret`).
pub fn vault_mount(cluster: &str, mount: &str) -> String {
    format!(
        "vault:{}/{}",
        cluster.to_ascii_lowercase(),
        mount.trim_matches('/')
    )
}

/// A Vault path under a mount (a KV secret, an engine role):
/// `vault:CLUSTER/MOUNT/PATH`.
pub fn vault_path(cluster: &str, mount: &str, path: &str) -> String {
    format!("{}/{}", vault_mount(cluster, mount), path.trim_matches('/'))
}

/// The root of a Vault server: whoever holds the `root` policy, or can
/// give itself any policy, controls everything in it:
/// `vault:CLUSTER/sys/root` (`sys/` is reserved, so no mount names it).
pub fn vault_root(cluster: &str) -> String {
    format!("vault:{}/sys/root", cluster.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_workflow_is_one_node_whoever_names_it() {
        // AWS names the provider by host; Entra and Vault by URL.
        let sub = github_actions_sub("Acme", "api", GithubRunContext::Ref("refs/heads/main"));
        assert_eq!(sub, "repo:Acme/api:ref:refs/heads/main");
        let from_aws = federated_subject("oidc", "token.actions.githubusercontent.com", &sub);
        let from_entra = oidc_subject("https://token.actions.githubusercontent.com/", &sub);
        let from_vault = oidc_subject("HTTPS://Token.Actions.GithubUserContent.com", &sub);
        assert_eq!(from_aws, from_entra);
        assert_eq!(from_aws, from_vault);
        assert_eq!(from_aws, github_actions_subject(&sub));
        assert_eq!(
            from_aws,
            "oidc:token.actions.githubusercontent.com:sub=repo:Acme/api:ref:refs/heads/main"
        );
        // Negative twins: another subject form, another issuer.
        let pr = github_actions_sub("Acme", "api", GithubRunContext::PullRequest);
        assert_ne!(github_actions_subject(&pr), from_aws);
        assert_ne!(oidc_subject("gitlab.com", &sub), from_aws);
        assert_eq!(
            github_actions_sub("acme", "api", GithubRunContext::Environment("prod")),
            "repo:acme/api:environment:prod"
        );
    }

    #[test]
    fn a_service_account_is_its_token_subject_under_its_issuer() {
        let eks = "https://oidc.eks.us-east-1.amazonaws.com/id/5C5A1B2C3D";
        assert_eq!(
            k8s_service_account(eks, "ml", "trainer"),
            "oidc:oidc.eks.us-east-1.amazonaws.com/id/5C5A1B2C3D:sub=system:serviceaccount:ml:trainer"
        );
        // The path of an issuer keeps its case.
        assert_ne!(
            k8s_service_account(&eks.to_lowercase(), "ml", "trainer"),
            k8s_service_account(eks, "ml", "trainer")
        );
        assert_eq!(
            k8s_service_account(eks, "ml", "trainer"),
            oidc_subject(eks, &k8s_service_account_sub("ml", "trainer"))
        );
        assert_eq!(
            k8s_object(eks, "ml", "secrets", "db"),
            "k8s:oidc.eks.us-east-1.amazonaws.com/id/5C5A1B2C3D/namespaces/ml/secrets/db"
        );
        assert_eq!(
            k8s_cluster_admin(eks),
            "k8s:oidc.eks.us-east-1.amazonaws.com/id/5C5A1B2C3D/cluster-admin"
        );
    }

    #[test]
    fn microsoft_ids_are_lower_case() {
        assert_eq!(
            entra_object("4A1D8E4B-0B4C-4E0A-9C1D-ABCDEF012345"),
            "entra:4a1d8e4b-0b4c-4e0a-9c1d-abcdef012345"
        );
        let id = "/subscriptions/0000-AA/resourceGroups/RG1/providers/Microsoft.Storage/storageAccounts/Data/blobServices/default/containers/Train/";
        assert_eq!(
            arm_resource(id),
            "arm:/subscriptions/0000-aa/resourcegroups/rg1/providers/microsoft.storage/storageaccounts/data/blobservices/default/containers/train"
        );
        assert_eq!(arm_resource(id), arm_resource(&id.to_uppercase()));
        assert_eq!(
            arm_scope_owner("/subscriptions/0000-AA"),
            "arm:/subscriptions/0000-aa/owner"
        );
        assert_eq!(entra_tenant_admin("T1"), "entra:tenant/t1/admin");
    }

    #[test]
    fn secrets_manager_secrets_lose_their_random_suffix() {
        let full = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-pass-AbCd12";
        assert_eq!(
            aws_secret(full),
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-pass"
        );
        // No suffix to strip: a name without a dash, a short tail.
        let bare = "arn:aws:secretsmanager:us-east-1:111122223333:secret:token";
        assert_eq!(aws_secret(bare), bare);
        let short = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-pass1";
        assert_eq!(aws_secret(short), short);
        assert_eq!(
            aws_secret("arn:aws:s3:::bucket-abcdef"),
            "arn:aws:s3:::bucket-abcdef"
        );
        assert_eq!(
            aws_account_admin("111122223333"),
            "aws:account/111122223333/admin"
        );
    }

    #[test]
    fn github_and_vault_ids() {
        assert_eq!(github_repo("Acme", "API"), "github:repo/acme/api");
        assert_eq!(github_app("Deploy-Bot"), "github:app/deploy-bot");
        assert_eq!(
            vault_mount("Vault.Acme", "/secret/"),
            "vault:vault.acme/secret"
        );
        // A KV secret is named by its path under the mount, as users
        // write it (`secret/ml/openai`), not by the API's `data/` path.
        assert_eq!(
            vault_path("vault.acme", "secret/", "/ml/openai"),
            "vault:vault.acme/secret/ml/openai"
        );
        assert_eq!(vault_root("Vault.Acme"), "vault:vault.acme/sys/root");
    }
}

/// The tag (or metadata key) by which a secret's owner says whose
/// credential its value is: `credential-of=<node id>` (an Entra object
/// `entra:…`, an AWS ARN, ...). Every secret store's connector reads it the
/// same way (docs/ids.md): the secret gets a `holds_credential` edge to that
/// node, and the value is never read.
pub const CREDENTIAL_OF: &str = "credential-of";

/// The node a secret's tags say its value is a credential of (the
/// [`CREDENTIAL_OF`] key, any case; a blank value names nothing).
pub fn credential_of<'t>(tags: impl IntoIterator<Item = (&'t str, &'t str)>) -> Option<&'t str> {
    tags.into_iter()
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(CREDENTIAL_OF))
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod credential_of_tests {
    use super::*;

    #[test]
    fn the_credential_of_tag_names_a_node_in_any_case() {
        let tags = [("Owner", "platform"), ("Credential-Of", " entra:abc ")];
        assert_eq!(credential_of(tags), Some("entra:abc"));
        assert_eq!(credential_of([("credential-of", "  ")]), None);
        assert_eq!(credential_of([("credential", "entra:abc")]), None);
    }
}
