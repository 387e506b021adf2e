//! AWS Batch: job queues (`batch/describe-job-queues`).

use super::*;

impl Reader {
    /// The files of this family; `Ok(false)` for an operation it does not
    /// know.
    pub(crate) fn read_batch(&mut self, file: &File, out: &mut EstateBuilder) -> Result<bool, Bad> {
        let (account, region, top) = file.place();
        match (file.op, file.resource) {
            ("describe-job-queues", []) => {
                self.each(top, "jobQueues", out, &mut |s, o, out| {
                    let name = o.req_str("jobQueueName")?;
                    let arn = opt(o, "jobQueueArn")?.unwrap_or_else(|| {
                        format!("arn:aws:batch:{region}:{account}:job-queue/{name}")
                    });
                    let mut r = s.resource(
                        &BATCH_JOB_QUEUE,
                        arn,
                        name.to_string(),
                        account,
                        o.path.clone(),
                    );
                    // ENABLED / DISABLED, and VALID / INVALID / CREATING ...
                    if let Some(state) = opt(o, "state")? {
                        r.attrs.tags.insert("aws:state".into(), state);
                    }
                    if let Some(status) = opt(o, "status")? {
                        r.attrs.tags.insert("aws:status".into(), status);
                    }
                    s.add_resource(r, out);
                    Ok(())
                });
                self.seen(account, BATCH_JOB_QUEUE.inventory);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
