package dev.fleetpress.localcloud.checks;

import dev.fleetpress.localcloud.template.FunctionSpec;
import dev.fleetpress.localcloud.template.HttpApiRoute;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Picks the route an HTTP API request takes, as API Gateway does: within one API the most specific
 * matching route wins (an exact method over {@code ANY}, literal segments over {@code {param}}, a
 * greedy {@code {proxy+}} after those, {@code $default} last). A request may reach one route per
 * API; the fixture does not say which API it was sent to (its apiId is an AWS id), so every API is
 * tried.
 */
final class HttpRouteMatcher {
    private final Map<String, List<Candidate>> routesByApi = new LinkedHashMap<>();

    HttpRouteMatcher(List<FunctionSpec> functions) {
        for (FunctionSpec function : functions) {
            for (HttpApiRoute route : function.httpRoutes()) {
                routesByApi.computeIfAbsent(route.apiLogicalId(), api -> new ArrayList<>())
                        .add(new Candidate(function.logicalId(), route));
            }
        }
    }

    /** The route each API would take for {@code method} and {@code path}, at most one per API. */
    List<Match> match(String method, String path) {
        List<Match> out = new ArrayList<>();
        routesByApi.forEach((api, candidates) -> candidates.stream()
                .filter(c -> c.matches(method, path))
                .min(Comparator.comparingInt(Candidate::rank))
                .ifPresent(best -> out.add(new Match(best.functionLogicalId(), best.route()))));
        return out;
    }

    record Match(String functionLogicalId, HttpApiRoute route) {
    }

    private record Candidate(String functionLogicalId, HttpApiRoute route) {
        boolean matches(String method, String path) {
            if (isDefault()) {
                return true;
            }
            boolean methodMatches = route.method().equals("ANY") || route.method().equalsIgnoreCase(method);
            return methodMatches && regex().matcher(path).matches();
        }

        /** Lower is more specific. */
        int rank() {
            if (isDefault()) {
                return Integer.MAX_VALUE;
            }
            int rank = route.method().equals("ANY") ? 1 : 0;
            if (route.path().contains("+}")) {
                rank += 1_000_000;
            }
            // Fewer parameters is more specific: /webhook/github beats /webhook/{provider}.
            return rank + 2 * (int) route.path().chars().filter(c -> c == '{').count();
        }

        private boolean isDefault() {
            return route.path().equals("$default");
        }

        private Pattern regex() {
            StringBuilder regex = new StringBuilder();
            for (String part : route.path().split("(?=\\{)|(?<=})")) {
                if (part.startsWith("{") && part.endsWith("+}")) {
                    regex.append(".+");
                } else if (part.startsWith("{") && part.endsWith("}")) {
                    regex.append("[^/]+");
                } else {
                    regex.append(Pattern.quote(part));
                }
            }
            return Pattern.compile(regex.toString());
        }
    }
}
