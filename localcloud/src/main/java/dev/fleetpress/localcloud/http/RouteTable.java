package dev.fleetpress.localcloud.http;

import dev.fleetpress.localcloud.template.HttpApiRoute;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP API's routes and API Gateway's choice among them: the most specific path wins (literal
 * segments over {@code {variables}}, variables over a greedy {@code {proxy+}}), a named method over
 * {@code ANY}, and {@code $default} catches what nothing else matches.
 */
final class RouteTable {
    private final List<Entry> entries = new ArrayList<>();

    void add(HttpApiRoute route, String functionLogicalId) {
        entries.add(new Entry(route, functionLogicalId, route.path().equals("$default") ? List.of() : segments(route.path())));
    }

    Optional<Match> match(String method, String rawPath) {
        List<String> requested = segments(rawPath);
        Match best = null;
        int bestScore = Integer.MIN_VALUE;
        for (Entry e : entries) {
            if (!e.route().method().equals("ANY") && !e.route().method().equals(method)) {
                continue;
            }
            Map<String, String> parameters = e.route().path().equals("$default") ? Map.of() : e.bind(requested);
            if (parameters == null) {
                continue;
            }
            int score = e.score();
            if (score > bestScore) {
                bestScore = score;
                best = new Match(e.route(), e.functionLogicalId(), parameters);
            }
        }
        return Optional.ofNullable(best);
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/", -1)) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** A matched route, its function and its decoded path parameters. */
    record Match(HttpApiRoute route, String functionLogicalId, Map<String, String> pathParameters) {
    }

    private record Entry(HttpApiRoute route, String functionLogicalId, List<String> pattern) {
        /** Path parameters when the requested segments fit this pattern, else null. */
        Map<String, String> bind(List<String> requested) {
            Map<String, String> parameters = new LinkedHashMap<>();
            for (int i = 0; i < pattern.size(); i++) {
                String p = pattern.get(i);
                boolean variable = p.startsWith("{") && p.endsWith("}");
                if (variable && p.endsWith("+}")) {
                    if (i >= requested.size()) {
                        return null;
                    }
                    parameters.put(p.substring(1, p.length() - 2), decode(String.join("/", requested.subList(i, requested.size()))));
                    return parameters;
                }
                if (i >= requested.size()) {
                    return null;
                }
                if (variable) {
                    parameters.put(p.substring(1, p.length() - 1), decode(requested.get(i)));
                } else if (!p.equals(requested.get(i))) {
                    return null;
                }
            }
            return pattern.size() == requested.size() ? parameters : null;
        }

        int score() {
            if (route.path().equals("$default")) {
                return Integer.MIN_VALUE + 1;
            }
            int literal = (int) pattern.stream().filter(p -> !p.startsWith("{")).count();
            boolean greedy = pattern.stream().anyMatch(p -> p.endsWith("+}"));
            return (greedy ? 0 : 1_000_000) + literal * 1000 + pattern.size() * 10 + (route.method().equals("ANY") ? 0 : 1);
        }

        private static String decode(String raw) {
            // Path segments are percent-encoded; a '+' in a path is a literal plus, not a space.
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        }
    }
}
