//! Synthetic meta components (`core/prompt_node.go` `appendSyntheticMetaComponents`): every
//! requested input gets a component the client can render. Inputs the meta already has are
//! promoted where the request is stricter (required, password); inputs it lacks (schema attributes
//! from the ProvisioningExecutor) get a minimal component, spliced in at the
//! `DYNAMIC_INPUT_PLACEHOLDER` of the first BLOCK, else before that block's first ACTION, else in a
//! new BLOCK. The placeholder never reaches the client.

use std::collections::{HashMap, HashSet};

use thunderid_protocol::flow::{Component, ComponentType, FlowMeta, Input, InputType};

/// Add or promote components for `requested` inputs in an already trimmed meta.
pub(crate) fn append_synthetic(
    node_inputs: &[Input],
    trimmed: FlowMeta,
    requested: &[Input],
    labels: &HashMap<String, String>,
) -> FlowMeta {
    let node_refs: HashSet<&str> = node_inputs
        .iter()
        .flat_map(|i| {
            i.reference
                .as_deref()
                .into_iter()
                .chain(std::iter::once(i.identifier.as_str()))
        })
        .collect();
    let mut by_ref: HashMap<String, Component> = HashMap::new();
    collect(&trimmed.components, &mut by_ref);

    let mut synthetic = Vec::new();
    let mut promotions: HashMap<String, Component> = HashMap::new();
    for input in requested {
        let found = match by_ref.get(&input.identifier) {
            Some(component) => Some((input.identifier.clone(), component)),
            None => input
                .reference
                .as_ref()
                .and_then(|r| by_ref.get(r).map(|c| (r.clone(), c))),
        };
        if let Some((key, component)) = found {
            let needs_required = input.required && component.required != Some(true);
            let needs_password = input.input_type == InputType::Password
                && component.component_type != ComponentType::PasswordInput;
            if needs_required || needs_password {
                let mut promoted = component.clone();
                if needs_required {
                    promoted.required = Some(true);
                }
                if needs_password {
                    promoted.component_type = ComponentType::PasswordInput;
                }
                promotions.insert(key, promoted);
            }
            continue;
        }
        if node_refs.contains(input.identifier.as_str()) {
            continue;
        }
        let mut component = Component::new(
            input.identifier.clone(),
            component_type_for(&input.input_type),
        );
        component.reference = Some(input.identifier.clone());
        component.label = Some(
            labels
                .get(&input.identifier)
                .cloned()
                .unwrap_or_else(|| input.identifier.clone()),
        );
        component.required = Some(input.required);
        synthetic.push(component);
    }

    let mut components = trimmed.components.clone();
    if !promotions.is_empty() {
        promote(&mut components, &promotions);
    }
    let (placeholder_stripped, inserted) = splice(&mut components, &synthetic);
    if synthetic.is_empty() && !placeholder_stripped && promotions.is_empty() {
        return trimmed;
    }
    if !inserted && !synthetic.is_empty() {
        let mut block = Component::new("block_schema_dynamic", ComponentType::Block);
        block.components = Some(synthetic);
        components.push(block);
    }
    FlowMeta {
        components,
        extra: trimmed.extra,
    }
}

/// Index components by `ref`, then by `id` where no `ref` claimed the key.
fn collect(components: &[Component], by_ref: &mut HashMap<String, Component>) {
    for component in components {
        if let Some(reference) = component.reference.as_deref().filter(|r| !r.is_empty()) {
            by_ref.insert(reference.to_owned(), component.clone());
        }
        if !component.id.is_empty() {
            by_ref
                .entry(component.id.clone())
                .or_insert_with(|| component.clone());
        }
        collect(component.children(), by_ref);
    }
}

fn promote(components: &mut [Component], promotions: &HashMap<String, Component>) {
    for component in components.iter_mut() {
        let by_ref = component
            .reference
            .as_deref()
            .filter(|r| !r.is_empty())
            .and_then(|r| promotions.get(r));
        if let Some(promoted) = by_ref.or_else(|| promotions.get(&component.id)) {
            *component = promoted.clone();
            continue;
        }
        if let Some(children) = component.components.as_mut() {
            promote(children, promotions);
        }
    }
}

/// Put `synthetic` into the first BLOCK: in place of its placeholder, else before its first
/// ACTION. Returns (placeholder stripped, inserted).
fn splice(components: &mut [Component], synthetic: &[Component]) -> (bool, bool) {
    let Some(block) = components
        .iter_mut()
        .find(|c| c.component_type == ComponentType::Block)
    else {
        return (false, false);
    };
    let placeholder = block
        .children()
        .iter()
        .position(|c| c.component_type == ComponentType::DynamicInputPlaceholder);
    if placeholder.is_none() && synthetic.is_empty() {
        return (false, false);
    }
    let children = block.components.get_or_insert_with(Vec::new);
    if let Some(at) = placeholder {
        children.splice(at..=at, synthetic.iter().cloned());
        return (true, true);
    }
    let at = children
        .iter()
        .position(|c| c.component_type == ComponentType::Action)
        .unwrap_or(children.len());
    children.splice(at..at, synthetic.iter().cloned());
    (false, true)
}

/// The component type a synthetic component gets for an input type.
pub(crate) fn component_type_for(input_type: &InputType) -> ComponentType {
    ComponentType::parse(input_type.as_str())
}
