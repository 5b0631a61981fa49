export { SelectorParseError, UnsupportedFieldError } from './errors.js';
export { LabelSelector, parseLabelSelector, newRequirement, requirementMatches, type Requirement, type Operator, type Labels } from './label-selector.js';
export { labelSelectorFromObject, type LabelSelectorObject, type LabelSelectorRequirementObject } from './label-selector-object.js';
export { FieldSelector, parseFieldSelector, escapeValue, type FieldRequirement } from './field-selector.js';
export { selectableFields, selectableFieldNames, validateFieldSelector, fieldMatcher } from './selectable-fields.js';
export { qualifiedNameErrors, labelValueErrors } from './label-validation.js';
