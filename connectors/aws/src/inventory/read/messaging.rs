//! SNS topics and SQS queues, with their policies.

use super::*;

impl Reader {
    /// The files of this family; `Ok(false)` for an operation it does not
    /// know.
    pub(crate) fn read_messaging(
        &mut self,
        file: &File,
        out: &mut EstateBuilder,
    ) -> Result<bool, Bad> {
        let (account, region, top) = file.place();
        match file.call() {
            ("sns", "list-topics", []) => {
                self.each(top, "Topics", out, &mut |s, o, out| {
                    let arn = o.req_str("TopicArn")?;
                    let name = arn.rsplit(':').next().unwrap_or(arn).to_string();
                    let mut r = s.resource(
                        &SNS_TOPIC,
                        arn.to_string(),
                        name.clone(),
                        account,
                        o.path.clone(),
                    );
                    r.policy_key = Some(file.key("sns", &name));
                    s.add_resource(r, out);
                    Ok(())
                });
                self.seen(account, SNS_TOPIC.inventory);
            }
            ("sns" | "sqs", "get-topic-attributes" | "get-queue-attributes", [name]) => {
                let doc = top
                    .map
                    .get("Attributes")
                    .and_then(|a| a.get("Policy"))
                    .cloned()
                    .unwrap_or(Value::Null);
                let what = if file.service == "sns" {
                    "topic"
                } else {
                    "queue"
                };
                self.pending_policy(
                    file.key(file.service, name),
                    format!("{what} policy of {name}"),
                    &doc,
                    format!("{}.Policy", top.at("Attributes")),
                    out,
                );
            }
            ("sqs", "list-queues", []) => {
                match top.map.get("QueueUrls") {
                    None | Some(Value::Null) => {}
                    Some(Value::Array(urls)) => {
                        for (i, u) in urls.iter().enumerate().filter(|(_, u)| !is_skipped(u)) {
                            let at = format!("{}[{i}]", top.at("QueueUrls"));
                            let Some(url) = u.as_str() else {
                                out.error(
                                    at,
                                    format!("expected a queue URL, found {}", type_name(u)),
                                );
                                continue;
                            };
                            let segs: Vec<&str> =
                                url.trim_end_matches('/').rsplit('/').take(2).collect();
                            let [name, acct] = segs.as_slice() else {
                                out.error(at, format!("expected https://sqs.REGION.amazonaws.com/ACCOUNT/NAME, found `{url}`"));
                                continue;
                            };
                            let arn = format!("arn:aws:sqs:{region}:{acct}:{name}");
                            let mut r =
                                self.resource(&SQS_QUEUE, arn, (*name).to_string(), account, at);
                            r.policy_key = Some(file.key("sqs", name));
                            self.add_resource(r, out);
                        }
                    }
                    Some(other) => {
                        return Err((
                            top.at("QueueUrls"),
                            format!("expected an array, found {}", type_name(other)),
                        )
                            .into());
                    }
                }
                self.seen(account, SQS_QUEUE.inventory);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
