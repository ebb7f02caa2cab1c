package dev.fleetpress.localcloud.ssm.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * SendCommand's parameter check, the guard that keeps untrusted text out of the shell: every name
 * must be declared, every required parameter given, and every value must match its
 * {@code allowedPattern}, or nothing runs.
 */
final class ParameterValidator {
    private ParameterValidator() {
    }

    /** The value of every declared parameter (given or default); {@code InvalidParameters} otherwise. */
    static Map<String, String> validate(CommandDocument document, Map<String, List<String>> sent) {
        for (String name : sent.keySet()) {
            if (!document.parameters().containsKey(name)) {
                throw RunErrors.invalidParameters("Parameter \"" + name + "\" is not defined in document "
                        + document.name() + " (it declares " + document.parameters().keySet() + ").");
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        document.parameters().forEach((name, p) -> {
            List<String> given = sent.get(name);
            if (given == null) {
                if (p.defaultValue() == null) {
                    throw RunErrors.invalidParameters("Parameter \"" + name + "\" of document " + document.name()
                            + " is required and has no default.");
                }
                values.put(name, p.defaultValue());
                return;
            }
            if (given.size() != 1) {
                throw RunErrors.invalidParameters("Parameter \"" + name + "\" is of type String and takes exactly one "
                        + "value, got " + given.size() + ".");
            }
            String value = given.get(0);
            // find(), not matches(): reading the pattern more strictly than AWS might would hide a missing ^…$;
            // FleetPress's documents anchor every pattern.
            if (p.allowedPattern() != null && (value == null || !Pattern.compile(p.allowedPattern()).matcher(value).find())) {
                throw RunErrors.invalidParameters("Parameter \"" + name + "\" has a value that does not match its "
                        + "allowedPattern " + p.allowedPattern() + ".");
            }
            values.put(name, value);
        });
        for (CommandDocument.Step step : document.steps()) {
            try {
                step.timeout(values);
            } catch (IllegalArgumentException e) {
                throw RunErrors.invalidParameters(e.getMessage());
            }
        }
        return values;
    }
}
