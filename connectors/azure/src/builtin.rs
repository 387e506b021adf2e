//! Azure's built-in ARM role definitions, for inputs that name a built-in
//! role without its definition (AzureHound collects assignments, never
//! definitions). The table is Microsoft's documented definitions
//! (data/builtin-roles.json, data/README.md says where from); a definition
//! in the inputs always wins, and a role in neither stays undecided.

use std::collections::BTreeSet;

use blastgraph_model::json::Obj;
use serde_json::Value;

use crate::facts::Facts;
use crate::layout::ArmCall;
use crate::read_arm;

/// The shipped table, in the shape of `GET
/// /providers/Microsoft.Authorization/roleDefinitions`.
const TABLE: &str = include_str!("../data/builtin-roles.json");

/// Adds the built-in definition of every role an assignment names that the
/// inputs do not define.
pub(crate) fn fill(facts: &mut Facts) {
    let wanted: BTreeSet<&str> = facts
        .arm_assignments
        .iter()
        .map(|a| a.role.as_str())
        .filter(|r| !facts.arm_roles.contains_key(*r))
        .collect();
    if wanted.is_empty() {
        return;
    }
    let mut table = Facts::default();
    read(&mut table, &wanted);
    for (guid, mut role) in table.arm_roles {
        role.shipped = true;
        facts.arm_roles.insert(guid, role);
    }
}

/// Reads the table's definitions of `wanted` (all when empty) into
/// `facts`.
fn read(facts: &mut Facts, wanted: &BTreeSet<&str>) {
    let Ok(Value::Object(doc)) = serde_json::from_str::<Value>(TABLE) else {
        return;
    };
    let Some(Value::Array(items)) = doc.get("value") else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let guid = item.get("name").and_then(Value::as_str).unwrap_or("");
        if !wanted.is_empty() && !wanted.contains(guid) {
            continue;
        }
        if let Ok(o) = Obj::new(item, format!("$.value[{i}]")) {
            // The table is checked whole by its test.
            let _ = read_arm::record(&ArmCall::RoleDefinitions, "", 0, &o, facts);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads_whole_and_each_role_under_its_guid() {
        let doc: Value = serde_json::from_str(TABLE).expect("the table is JSON");
        let items = doc["value"].as_array().expect("a value array");
        let mut facts = Facts::default();
        read(&mut facts, &BTreeSet::new());
        assert_eq!(facts.arm_roles.len(), items.len());
        for item in items {
            let guid = item["name"].as_str().expect("name");
            let id = item["id"].as_str().expect("id");
            assert!(id.ends_with(guid), "{id}");
            let role = &facts.arm_roles[guid];
            assert!(!role.permissions.is_empty(), "{}", role.name);
        }
        // Owner allows everything; Reader only reads.
        let owner = &facts.arm_roles["8e3af657-a8ff-443c-a75c-2fe8c4bcb635"];
        assert_eq!(owner.name, "Owner");
        assert_eq!(owner.permissions[0].actions, vec!["*"]);
    }

    #[test]
    fn a_definition_in_the_inputs_wins() {
        let mut facts = Facts::default();
        let own = crate::facts::ArmRole {
            name: "Owner as the tenant has it".into(),
            permissions: Vec::new(),
            shipped: false,
            denied: Vec::new(),
        };
        facts
            .arm_roles
            .insert("8e3af657-a8ff-443c-a75c-2fe8c4bcb635".into(), own);
        for role in [
            "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            "b24988ac-6180-42a0-ab88-20f7382dd24c",
            "00000000-0000-0000-0000-00000000abcd",
        ] {
            facts.arm_assignments.push(crate::facts::ArmAssignment {
                principal: "p".into(),
                principal_kind: crate::facts::ObjKind::User,
                role: role.into(),
                scope: "/".into(),
                condition: None,
                eligible: false,
                at: crate::facts::At::default(),
            });
        }
        fill(&mut facts);
        assert_eq!(
            facts.arm_roles["8e3af657-a8ff-443c-a75c-2fe8c4bcb635"].name,
            "Owner as the tenant has it"
        );
        let contributor = &facts.arm_roles["b24988ac-6180-42a0-ab88-20f7382dd24c"];
        assert!(contributor.shipped && contributor.name == "Contributor");
        assert!(
            !facts
                .arm_roles
                .contains_key("00000000-0000-0000-0000-00000000abcd")
        );
    }
}
