package dev.fleetpress.localcloud.autoscaling;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Auto Scaling's NextToken/MaxRecords paging over a list sorted by a unique key. The token names
 * the last key returned, so a page stays correct when items come and go between calls.
 */
final class Pages {
    private Pages() {
    }

    record Page<T>(List<T> items, String nextToken) {
    }

    static <T> Page<T> page(List<T> sorted, Function<T, String> key, String nextToken, Integer maxRecords, int limit) {
        int max = maxRecords == null ? limit : maxRecords;
        if (max < 1 || max > limit) {
            throw AutoScalingErrors.validation("1 validation error detected: Value '" + maxRecords
                    + "' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and " + limit);
        }
        String after = nextToken == null ? null : decode(nextToken);
        List<T> out = new ArrayList<>();
        String next = null;
        for (T item : sorted) {
            if (after != null && key.apply(item).compareTo(after) <= 0) {
                continue;
            }
            if (out.size() == max) {
                next = encode(key.apply(out.get(out.size() - 1)));
                break;
            }
            out.add(item);
        }
        return new Page<>(List.copyOf(out), next);
    }

    private static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("after:" + key).getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith("after:")) {
                return text.substring("after:".length());
            }
        } catch (IllegalArgumentException notBase64) {
            // falls through to the service's answer for a token it did not issue
        }
        throw AutoScalingErrors.invalidNextToken(token);
    }
}
