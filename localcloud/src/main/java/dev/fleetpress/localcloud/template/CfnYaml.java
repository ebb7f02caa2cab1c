package dev.fleetpress.localcloud.template;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads CloudFormation YAML into plain maps, lists and scalars, turning the short-form tags
 * ({@code !Ref X}, {@code !Sub …}, {@code !GetAtt A.B} …) into their long forms
 * ({@code {"Ref": "X"}}, {@code {"Fn::Sub": …}}, {@code {"Fn::GetAtt": ["A", "B"]}}) exactly as
 * CloudFormation does before it evaluates anything.
 */
final class CfnYaml {
    private static final Map<String, String> SHORT_FORMS = Map.ofEntries(
            Map.entry("!Ref", "Ref"),
            Map.entry("!Condition", "Condition"),
            Map.entry("!Sub", "Fn::Sub"),
            Map.entry("!GetAtt", "Fn::GetAtt"),
            Map.entry("!Join", "Fn::Join"),
            Map.entry("!If", "Fn::If"),
            Map.entry("!Select", "Fn::Select"),
            Map.entry("!Split", "Fn::Split"),
            Map.entry("!Equals", "Fn::Equals"),
            Map.entry("!Not", "Fn::Not"),
            Map.entry("!And", "Fn::And"),
            Map.entry("!Or", "Fn::Or"),
            Map.entry("!FindInMap", "Fn::FindInMap"),
            Map.entry("!ImportValue", "Fn::ImportValue"),
            Map.entry("!Base64", "Fn::Base64"),
            Map.entry("!GetAZs", "Fn::GetAZs"),
            Map.entry("!Cidr", "Fn::Cidr"));

    private CfnYaml() {
    }

    static Map<String, Object> read(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return asDocument(load().loadFromReader(reader), file.toString());
        } catch (IOException e) {
            throw new TemplateException("cannot read template " + file + ": " + e.getMessage(), e);
        } catch (YamlEngineException e) {
            throw new TemplateException("template " + file + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    static Map<String, Object> read(String yaml) {
        try {
            return asDocument(load().loadFromString(yaml), "<inline template>");
        } catch (YamlEngineException e) {
            throw new TemplateException("template is not valid YAML: " + e.getMessage(), e);
        }
    }

    private static Load load() {
        LoadSettings settings = LoadSettings.builder().setLabel("template.yaml").build();
        return new Load(settings, new Constructor(settings));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asDocument(Object loaded, String name) {
        if (!(loaded instanceof Map<?, ?> map)) {
            throw new TemplateException(name + " is not a YAML mapping at its top level");
        }
        return (Map<String, Object>) normalize(map);
    }

    /** Map keys become strings (YAML allows numbers and booleans as keys; CloudFormation reads them as text). */
    private static Object normalize(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), normalize(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(normalize(v)));
            return out;
        }
        return value;
    }

    private static final class Constructor extends StandardConstructor {
        Constructor(LoadSettings settings) {
            super(settings);
            SHORT_FORMS.forEach((tag, longForm) -> tagConstructors.put(new Tag(tag), new LongForm(longForm)));
        }

        private final class LongForm implements ConstructNode {
            private final String name;

            LongForm(String name) {
                this.name = name;
            }

            @Override
            public Object construct(Node node) {
                Object argument;
                if (node instanceof ScalarNode scalar) {
                    String text = constructScalar(scalar);
                    // The short form of GetAtt takes "Resource.Attribute"; the long form takes a list.
                    argument = "Fn::GetAtt".equals(name) ? splitGetAtt(text) : text;
                } else if (node instanceof SequenceNode sequence) {
                    argument = constructSequence(sequence);
                } else {
                    argument = constructMapping((MappingNode) node);
                }
                Map<String, Object> longForm = new LinkedHashMap<>();
                longForm.put(name, argument);
                return longForm;
            }
        }

        private static List<Object> splitGetAtt(String text) {
            int dot = text.indexOf('.');
            if (dot <= 0 || dot == text.length() - 1) {
                throw new TemplateException("!GetAtt " + text + " must be Resource.Attribute");
            }
            return List.of(text.substring(0, dot), text.substring(dot + 1));
        }
    }
}
