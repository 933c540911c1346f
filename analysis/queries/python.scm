; Facts of a Python file. Module-level statements are read by python.go; calls, global
; declarations and names bound below the module level are captured here.

(module) @module

(call function: (identifier) @call.name arguments: (argument_list) @call.args) @call
(call function: (attribute object: (identifier) @call.qualifier attribute: (identifier) @call.name) arguments: (argument_list) @call.args) @call

(global_statement (identifier) @global)

; Names that may shadow or rebind an imported or module-level function.
(parameters (identifier) @local)
(default_parameter name: (identifier) @local)
(typed_parameter (identifier) @local)
(typed_default_parameter name: (identifier) @local)
(list_splat_pattern (identifier) @local)
(dictionary_splat_pattern (identifier) @local)
(lambda_parameters (identifier) @local)
(assignment left: (identifier) @local)
(augmented_assignment left: (identifier) @local)
(pattern_list (identifier) @local)
(tuple_pattern (identifier) @local)
(list_pattern (identifier) @local)
(for_statement left: (identifier) @local)
(for_in_clause left: (identifier) @local)
(named_expression name: (identifier) @local)
(as_pattern alias: (as_pattern_target (identifier) @local))
(block (function_definition name: (identifier) @local))
(block (class_definition name: (identifier) @local))
(block (decorated_definition definition: (function_definition name: (identifier) @local)))
(block (import_from_statement name: (dotted_name (identifier) @local)))
(block (import_from_statement name: (aliased_import alias: (identifier) @local)))
(block (import_statement name: (dotted_name . (identifier) @local)))
(block (import_statement name: (aliased_import alias: (identifier) @local)))

; Calls where a wrong argument count is the point: inside try (a test expecting
; TypeError), in a `with ...raises(...)` block, or deferred in a lambda.
(try_statement body: (block) @guard)
(lambda) @guard
(with_statement (with_clause (with_item value: (call function: (attribute attribute: (identifier) @_raises)))) body: (block) @guard (#match? @_raises "[Rr]aises"))
(with_statement (with_clause (with_item value: (call function: (identifier) @_raises))) body: (block) @guard (#match? @_raises "[Rr]aises"))
