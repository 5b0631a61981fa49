// Label and field selectors.
//   parseLabelSelector(q)         query form -> LabelSelector (.matches(labels))
//   labelSelectorFromObject(sel)  metav1.LabelSelector -> LabelSelector (null matches nothing)
//   parseFieldSelector(q)         -> FieldSelector; fieldMatcher(group, kind, sel) validates
//                                 the fields for the kind and returns obj => boolean.
// Errors: SelectorParseError and UnsupportedFieldError, both 400 BadRequest.
export { SelectorParseError, UnsupportedFieldError } from './errors.js';
export { LabelSelector, parseLabelSelector, newRequirement, requirementMatches, type Requirement, type Operator, type Labels } from './label-selector.js';
export { labelSelectorFromObject, labelSelectorFromSet, formatLabelSelector, type LabelSelectorObject, type LabelSelectorRequirementObject } from './label-selector-object.js';
export { FieldSelector, parseFieldSelector, escapeValue, type FieldRequirement } from './field-selector.js';
export { selectableFields, selectableFieldNames, validateFieldSelector, fieldMatcher } from './selectable-fields.js';
export { qualifiedNameErrors, labelValueErrors } from './label-validation.js';
