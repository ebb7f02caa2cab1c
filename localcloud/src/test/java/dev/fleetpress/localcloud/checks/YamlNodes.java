package dev.fleetpress.localcloud.checks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * template.yaml as YAML nodes, which keep their line numbers (the parsed Template does not), and the
 * conversion of a node to the long-form value {@link dev.fleetpress.localcloud.template.Template#resolved}
 * takes ({@code !Sub x} becomes {@code {"Fn::Sub": "x"}}), so a check can both resolve a value and
 * point at the line it came from.
 */
final class YamlNodes {
    private YamlNodes() {
    }

    static MappingNode compose(String yaml) {
        Node root = new Compose(LoadSettings.builder().setLabel("template.yaml").build()).composeString(yaml)
                .orElseThrow(() -> new IllegalArgumentException("the template is empty"));
        if (!(root instanceof MappingNode mapping)) {
            throw new IllegalArgumentException("the template is not a YAML mapping at its top level");
        }
        return mapping;
    }

    /** The value under {@code key}, or null. */
    static Node get(Node node, String key) {
        if (node instanceof MappingNode mapping) {
            for (NodeTuple entry : mapping.getValue()) {
                if (entry.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return entry.getValueNode();
                }
            }
        }
        return null;
    }

    /** 0-based line where the node starts. */
    static int line(Node node) {
        return node.getStartMark().map(mark -> mark.getLine()).orElse(0);
    }

    /** The node as CloudFormation's long form: maps, lists and strings, short-form tags expanded. */
    static Object toCfn(Node node) {
        Object value;
        if (node instanceof ScalarNode scalar) {
            value = scalar.getValue();
        } else if (node instanceof SequenceNode sequence) {
            List<Object> items = new ArrayList<>();
            sequence.getValue().forEach(item -> items.add(toCfn(item)));
            value = items;
        } else {
            Map<String, Object> map = new LinkedHashMap<>();
            for (NodeTuple entry : ((MappingNode) node).getValue()) {
                map.put(String.valueOf(toCfn(entry.getKeyNode())), toCfn(entry.getValueNode()));
            }
            value = map;
        }
        String tag = node.getTag().getValue();
        if (!tag.startsWith("!")) {
            return value;
        }
        String function = tag.substring(1);
        if (function.equals("GetAtt") && value instanceof String text && text.contains(".")) {
            // The short form takes "Resource.Attribute"; the long form a list.
            value = List.of(text.substring(0, text.indexOf('.')), text.substring(text.indexOf('.') + 1));
        }
        String longName = function.equals("Ref") || function.equals("Condition") ? function : "Fn::" + function;
        return Map.of(longName, value);
    }
}
