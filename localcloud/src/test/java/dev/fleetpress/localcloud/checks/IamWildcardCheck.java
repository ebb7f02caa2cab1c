package dev.fleetpress.localcloud.checks;

import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import dev.fleetpress.localcloud.template.TemplateException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Least privilege (DESIGN.md, principle 8): no policy statement anywhere in the template (function
 * Policies, IAM roles and policies, bucket and queue policies) grants a wildcard action ({@code *},
 * {@code s3:*}) or an account-wide resource ({@code *}, {@code key/*}, {@code parameter/*}) unless a
 * {@code # wildcard: <reason>} comment stands on that line or on a comment line at most 2 lines above.
 * Wildcards scoped inside a named resource ({@code <bucket>/releases/*},
 * {@code parameter/fleetpress/<stack>/env/*}) are fine.
 *
 * <p>YAML comments don't survive parsing, so the statements are read as YAML nodes, which keep their
 * lines, and each value is resolved by the template to judge what it really grants. Comments on the
 * lines above count only as whole comment lines: an inline comment justifies its own line, not the
 * next one.
 */
final class IamWildcardCheck {
    private static final Pattern SERVICE_WILDCARD = Pattern.compile("[A-Za-z0-9-]+:\\*");
    private static final Pattern JUSTIFICATION = Pattern.compile("#\\s*wildcard:\\s*\\S");
    private static final int LINES_ABOVE = 2;

    List<String> check(String templateText, StackContext stack) {
        Template template = Template.parse(templateText, stack);
        String[] lines = templateText.split("\n", -1);
        List<String> findings = new ArrayList<>();
        Node resources = YamlNodes.get(YamlNodes.compose(templateText), "Resources");
        if (!(resources instanceof MappingNode mapping)) {
            return findings;
        }
        for (NodeTuple entry : mapping.getValue()) {
            String id = ((ScalarNode) entry.getKeyNode()).getValue();
            if (template.resourceIds().contains(id)) {
                new Scan(id, template, lines, findings).walk(YamlNodes.get(entry.getValueNode(), "Properties"));
            }
        }
        return findings;
    }

    static boolean isWildcardAction(String action) {
        return action.equals("*") || SERVICE_WILDCARD.matcher(action).matches();
    }

    /** {@code *}, any region or account, or a wildcard right after the resource type ({@code key/*}, {@code function:*}). */
    static boolean isWildcardResource(String resource) {
        if (resource.equals("*")) {
            return true;
        }
        String[] arn = resource.split(":", 6);
        if (arn.length < 6 || !arn[0].equals("arn")) {
            return false;
        }
        if (arn[3].equals("*") || arn[4].equals("*") || arn[5].equals("*")) {
            return true;
        }
        String part = arn[5];
        if (!part.endsWith("/*") && !part.endsWith(":*")) {
            return false;
        }
        String named = part.substring(0, part.length() - 2);
        if (arn[2].equals("s3")) {
            // S3 ARNs have no resource type: <bucket>/* is the objects of one named bucket.
            return named.contains("*");
        }
        return !named.contains("/") && !named.contains(":");
    }

    /** Walks one resource's Properties for statements. */
    private record Scan(String resourceId, Template template, String[] lines, List<String> findings) {
        void walk(Node node) {
            if (node instanceof MappingNode mapping) {
                for (NodeTuple entry : mapping.getValue()) {
                    if (entry.getKeyNode() instanceof ScalarNode key && key.getValue().equals("Statement")) {
                        statements(entry.getValueNode());
                    } else {
                        walk(entry.getValueNode());
                    }
                }
            } else if (node instanceof SequenceNode sequence) {
                sequence.getValue().forEach(this::walk);
            }
        }

        private void statements(Node node) {
            if (node instanceof SequenceNode sequence) {
                sequence.getValue().forEach(this::statement);
            } else {
                statement(node);
            }
        }

        private void statement(Node statement) {
            Node sid = YamlNodes.get(statement, "Sid");
            String name = resourceId + (sid instanceof ScalarNode s ? " statement " + s.getValue() : " statement without Sid");
            field(statement, "Action", name);
            field(statement, "Resource", name);
        }

        private void field(Node statement, String field, String name) {
            Node value = YamlNodes.get(statement, field);
            if (value == null) {
                return;
            }
            boolean plainList = value instanceof SequenceNode && !value.getTag().getValue().startsWith("!");
            for (Node item : plainList ? ((SequenceNode) value).getValue() : List.of(value)) {
                int line = YamlNodes.line(item);
                Object resolved;
                try {
                    resolved = template.resolved(YamlNodes.toCfn(item));
                } catch (TemplateException e) {
                    findings.add(where(line) + name + ": cannot resolve " + field + " to judge it: " + e.getMessage());
                    continue;
                }
                for (Object v : resolved instanceof List<?> list ? list : List.of(String.valueOf(resolved))) {
                    String text = String.valueOf(v);
                    boolean wildcard = field.equals("Action") ? isWildcardAction(text) : isWildcardResource(text);
                    if (wildcard && !justified(line)) {
                        findings.add(where(line) + name + ": " + field + " '" + text + "' is a wildcard"
                                + (field.equals("Action") ? " action" : " over the whole account")
                                + "; grant only what the function uses (named actions, resources of this stack) or, "
                                + "where AWS allows nothing narrower, say why in a '# wildcard: <reason>' comment on "
                                + "that line or on a comment line at most " + LINES_ABOVE + " lines above it");
                    }
                }
            }
        }

        private boolean justified(int line) {
            if (JUSTIFICATION.matcher(lines[line]).find()) {
                return true;
            }
            for (int above = line - 1; above >= Math.max(0, line - LINES_ABOVE); above--) {
                String text = lines[above].strip();
                if (text.startsWith("#") && JUSTIFICATION.matcher(text).find()) {
                    return true;
                }
            }
            return false;
        }

        private static String where(int line) {
            return "template.yaml:" + (line + 1) + ": ";
        }
    }
}
