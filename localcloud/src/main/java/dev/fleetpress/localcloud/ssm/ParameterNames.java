package dev.fleetpress.localcloud.ssm;

import java.util.Locale;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ssm.model.SsmException;

/** Parameter Store's rules for names, paths and labels, answered with AWS's exceptions. */
final class ParameterNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_./-]+");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z_.-][A-Za-z0-9_.-]{0,99}");
    private static final int MAX_NAME_LENGTH = 1011;
    private static final int MAX_DEPTH = 15;
    private static final String NAME_RULES = "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive)."
            + " It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore)."
            + " Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol \"/\"."
            + " Valid example: /get/parameters2-/by1./path0_.";

    private ParameterNames() {
    }

    /** Validates a name used to create or address a parameter (without a version selector). */
    static String requireValid(String name) {
        if (name == null || name.isEmpty()) {
            throw SsmErrors.validation("1 validation error detected: Value null at 'name' failed to satisfy constraint: "
                    + "Member must not be null");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw SsmErrors.validation("1 validation error detected: Value at 'name' failed to satisfy constraint: "
                    + "Member must have length less than or equal to " + MAX_NAME_LENGTH);
        }
        String bare = name.startsWith("/") ? name.substring(1) : name;
        String lower = bare.toLowerCase(Locale.ROOT);
        if (!NAME.matcher(name).matches() || lower.startsWith("aws") || lower.startsWith("ssm")
                || bare.isEmpty() || bare.endsWith("/") || bare.contains("//")) {
            throw SsmErrors.validation(NAME_RULES);
        }
        if (name.contains("/") && !name.startsWith("/")) {
            throw SsmErrors.validation("Parameter name must be a fully qualified name.");
        }
        if (bare.split("/").length > MAX_DEPTH) {
            throw SsmErrors.hierarchyTooDeep();
        }
        return name;
    }

    /** Validates a GetParametersByPath path: "/" or a fully qualified hierarchy. */
    static String requireValidPath(String path) {
        if (path == null || !path.startsWith("/") || path.length() > MAX_NAME_LENGTH
                || !NAME.matcher(path).matches() || path.contains("//")) {
            throw SsmErrors.validation("The parameter doesn't meet the parameter name requirements. The parameter name "
                    + "must begin with a forward slash \"/\". " + NAME_RULES);
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** Whether {@code label} is a valid label (invalid ones are reported, not thrown, by AWS). */
    static boolean isValidLabel(String label) {
        String lower = label.toLowerCase(Locale.ROOT);
        return LABEL.matcher(label).matches() && !lower.startsWith("aws") && !lower.startsWith("ssm");
    }

    static SsmException unsupported(String what) {
        return SsmErrors.validation(what + " is not supported by localcloud's Parameter Store");
    }
}
