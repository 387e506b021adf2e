//! Parsing the account files of the raw layout, one module per service
//! family behind one dispatch table ([`FAMILIES`]): each turns the file of
//! one API call into the [`Inventory`]'s facts.

use super::*;

mod batch;
mod bedrock;
mod cognito;
mod compute;
mod databases;
mod ec2;
mod iam;
mod kms;
mod lambda;
mod messaging;
mod s3;
mod sagemaker;
mod secrets;
mod sso;

pub(crate) use cognito::IDENTITY_POOLS;
pub(crate) use secrets::{is_value_file, secret_file};
pub(crate) use sso::SSO_INSTANCES;

/// One account file of the layout, with where it sits.
#[derive(Clone, Copy)]
pub(crate) struct File<'a> {
    pub account: &'a str,
    /// Empty for `global/`.
    pub region: &'a str,
    pub service: &'a str,
    pub op: &'a str,
    /// The decoded resource names after the operation.
    pub resource: &'a [String],
    pub top: &'a Obj<'a>,
}

impl<'a> File<'a> {
    /// Where the file sits and what it holds: (account, region, document).
    pub(crate) fn place(&self) -> (&'a str, &'a str, &'a Obj<'a>) {
        (self.account, self.region, self.top)
    }

    /// The call it records: (service, operation, resource names).
    pub(crate) fn call(&self) -> (&'a str, &'a str, &'a [String]) {
        (self.service, self.op, self.resource)
    }

    /// The key of a resource policy file: (account, region, service, name).
    pub(crate) fn key(&self, service: &str, name: &str) -> PolicyKey {
        (
            self.account.to_string(),
            self.region.to_string(),
            service.to_string(),
            name.to_string(),
        )
    }
}

/// Reads one family's files; `Ok(false)` for an operation it does not know.
type ReadFn = fn(&mut Reader, &File, &mut EstateBuilder) -> Result<bool, Bad>;

/// Service (the layout's folder name) → the family that reads its files.
pub(crate) const FAMILIES: &[(&str, ReadFn)] = &[
    ("iam", Reader::read_iam),
    ("s3", Reader::read_s3),
    ("kms", Reader::read_kms),
    ("secretsmanager", Reader::read_secrets),
    ("ssm", Reader::read_secrets),
    ("lambda", Reader::read_lambda),
    ("sns", Reader::read_messaging),
    ("sqs", Reader::read_messaging),
    ("dynamodb", Reader::read_databases),
    ("rds", Reader::read_databases),
    ("redshift", Reader::read_databases),
    ("opensearch", Reader::read_databases),
    ("sagemaker", Reader::read_sagemaker),
    ("bedrock", Reader::read_bedrock),
    ("bedrock-agent", Reader::read_bedrock),
    ("ec2", Reader::read_ec2),
    ("glue", Reader::read_compute),
    ("ecs", Reader::read_compute),
    ("cloudformation", Reader::read_compute),
    ("codebuild", Reader::read_compute),
    ("batch", Reader::read_batch),
    ("cognito-identity", Reader::read_cognito),
    ("sso-admin", Reader::read_sso),
];

impl Reader {
    /// Reads one account file through [`FAMILIES`]; a file of no family is
    /// reported (`not-in-layout`) and ignored.
    pub(crate) fn read_account_file(
        &mut self,
        file: &File<'_>,
        out: &mut EstateBuilder,
    ) -> Result<(), Bad> {
        let family = FAMILIES
            .iter()
            .find(|(service, _)| *service == file.service)
            .map(|(_, read)| *read);
        let known = match family {
            Some(read) => read(self, file, out)?,
            None => false,
        };
        if !known {
            out.warning_code(
                blastgraph_model::Code::NotInLayout,
                "$",
                format!(
                    "`{}/{}` is not part of the AWS raw layout (docs/aws-raw-layout.md); ignored",
                    file.service, file.op
                ),
            );
        }
        Ok(())
    }

    /// Marks an inventory as collected for an account.
    pub(crate) fn seen(&mut self, account: &str, inventory: &'static str) {
        self.facts
            .inv
            .seen
            .entry(account.to_string())
            .or_default()
            .insert(inventory);
    }

    /// Reads every record of the list `list` of `top`.
    pub(crate) fn each(
        &mut self,
        top: &Obj<'_>,
        list: &str,
        out: &mut EstateBuilder,
        f: &mut dyn FnMut(&mut Self, &Obj<'_>, &mut EstateBuilder) -> Result<(), Bad>,
    ) {
        blastgraph_model::json::for_each_record(top, list, out, |o, out| f(self, o, out));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every account file of docs/aws-raw-layout.md is read by the family
    /// the dispatch table names for its service (regression: an arm that
    /// served two services was reachable from one of them only).
    #[test]
    fn every_file_of_the_layout_doc_has_its_family() {
        let doc = include_str!("../../../../../docs/aws-raw-layout.md");
        let mut checked = 0;
        for line in doc.lines() {
            let Some(entry) = line.split_whitespace().next() else {
                continue;
            };
            let Some(stem) = entry.strip_suffix(".json") else {
                continue;
            };
            let parts: Vec<&str> = stem.split('/').collect();
            let [service, op, rest @ ..] = parts.as_slice() else {
                continue;
            };
            if !line.starts_with("      ") || *service == "organizations" {
                continue;
            }
            let resource: Vec<String> = rest.iter().map(|_| "x".to_string()).collect();
            let value = serde_json::json!({});
            let top = Obj::new(&value, "$".into()).unwrap_or_else(|_| unreachable!());
            let file = File {
                account: "111122223333",
                region: "us-east-1",
                service,
                op,
                resource: &resource,
                top: &top,
            };
            let read = FAMILIES
                .iter()
                .find(|(s, _)| s == service)
                .map(|(_, r)| *r)
                .unwrap_or_else(|| panic!("no family for `{service}`"));
            let mut reader = Reader::new();
            let mut out = EstateBuilder::new();
            let known = read(&mut reader, &file, &mut out).unwrap_or(true);
            assert!(known, "`{service}/{op}` is not read by its family");
            checked += 1;
        }
        assert!(
            checked >= 40,
            "only {checked} files of the layout doc checked"
        );
    }
}
