package dev.fleetpress.localcloud.cloudwatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The part of CloudWatch metric math that FleetPress's alarms use, evaluated over time series:
 * metric ids (lower-case first letter), numbers, {@code + - * /}, unary minus, parentheses,
 * comparisons {@code < <= > >= == !=} (1 when true, 0 when false), {@code IF(condition, a, b)} and
 * {@code RATE(x)} (the change per second between each point and the one before it; the first point
 * has none). Anything else fails at parse time, naming what is not supported.
 *
 * <p>Series combine point by point on the timestamps both have; a number applies to every point. A
 * point whose result is not a finite number (a division by zero) is left out, as CloudWatch leaves
 * such points without a value; {@code IF} takes each point from the branch its condition picks, so a
 * branch's gaps matter only where it is picked. Immutable and thread-safe.
 */
public final class MetricExpression {
    private final String text;
    private final Node root;
    private final Set<String> references;

    private MetricExpression(String text, Node root, Set<String> references) {
        this.text = text;
        this.root = root;
        this.references = references;
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} saying what is wrong or unsupported. */
    public static MetricExpression parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a metric math expression is empty");
        }
        Parser parser = new Parser(text);
        Node root = parser.expression();
        parser.expectEnd();
        return new MetricExpression(text, root, Collections.unmodifiableSet(parser.references));
    }

    /** The metric ids the expression reads, in order of first use. */
    public Set<String> references() {
        return references;
    }

    /**
     * The expression's series given the series of the ids it reads (each keyed by timestamp).
     *
     * @throws IllegalArgumentException when an id has no series or the result is a single number
     */
    public NavigableMap<Instant, Double> evaluate(Map<String, NavigableMap<Instant, Double>> inputs) {
        Value v = root.eval(inputs);
        if (v.series == null) {
            throw new IllegalArgumentException("the expression " + text + " gives a single number, not a time series");
        }
        return Collections.unmodifiableNavigableMap(v.series);
    }

    @Override
    public String toString() {
        return text;
    }

    /** A number or a series. */
    private record Value(double number, NavigableMap<Instant, Double> series) {
        static Value of(double number) {
            return new Value(number, null);
        }

        static Value of(NavigableMap<Instant, Double> series) {
            return new Value(Double.NaN, series);
        }
    }

    @FunctionalInterface
    private interface Op {
        double apply(double a, double b);
    }

    private interface Node {
        Value eval(Map<String, NavigableMap<Instant, Double>> inputs);
    }

    private static Value combine(Value a, Value b, Op op) {
        if (a.series == null && b.series == null) {
            return Value.of(op.apply(a.number, b.number));
        }
        NavigableMap<Instant, Double> out = new TreeMap<>();
        NavigableMap<Instant, Double> keys = a.series != null ? a.series : b.series;
        for (var e : keys.entrySet()) {
            Double x = a.series == null ? (Double) a.number : a.series.get(e.getKey());
            Double y = b.series == null ? (Double) b.number : b.series.get(e.getKey());
            if (x != null && y != null) {
                double r = op.apply(x, y);
                if (Double.isFinite(r)) {
                    out.put(e.getKey(), r);
                }
            }
        }
        return Value.of(out);
    }

    private static Value rate(Value x) {
        if (x.series == null) {
            throw new IllegalArgumentException("RATE needs a time series, not a single number");
        }
        NavigableMap<Instant, Double> out = new TreeMap<>();
        Map.Entry<Instant, Double> previous = null;
        for (var e : x.series.entrySet()) {
            if (previous != null) {
                double seconds = Duration.between(previous.getKey(), e.getKey()).toMillis() / 1000.0;
                out.put(e.getKey(), (e.getValue() - previous.getValue()) / seconds);
            }
            previous = e;
        }
        return Value.of(out);
    }

    private static Value conditional(Value c, Value a, Value b) {
        if (c.series == null) {
            return c.number != 0 ? a : b;
        }
        NavigableMap<Instant, Double> out = new TreeMap<>();
        for (var e : c.series.entrySet()) {
            Value picked = e.getValue() != 0 ? a : b;
            Double v = picked.series == null ? (Double) picked.number : picked.series.get(e.getKey());
            if (v != null && Double.isFinite(v)) {
                out.put(e.getKey(), v);
            }
        }
        return Value.of(out);
    }

    private static double truth(boolean b) {
        return b ? 1 : 0;
    }

    /** Recursive descent: comparison < additive < multiplicative < unary < primary. */
    private static final class Parser {
        private final String text;
        private final List<String> tokens = new ArrayList<>();
        private final List<Integer> positions = new ArrayList<>();
        private final Set<String> references = new LinkedHashSet<>();
        private int next;

        Parser(String text) {
            this.text = text;
            tokenize();
        }

        private void tokenize() {
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                    continue;
                }
                int start = i;
                if (Character.isDigit(c) || (c == '.' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1)))) {
                    while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
                        i++;
                    }
                    if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
                        i++;
                        if (i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                            i++;
                        }
                        while (i < text.length() && Character.isDigit(text.charAt(i))) {
                            i++;
                        }
                    }
                } else if (Character.isLetter(c) || c == '_') {
                    while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
                        i++;
                    }
                } else if ((c == '<' || c == '>' || c == '=' || c == '!') && i + 1 < text.length() && text.charAt(i + 1) == '=') {
                    i += 2;
                } else if ("+-*/(),<>".indexOf(c) >= 0) {
                    i++;
                } else {
                    throw unsupported("'" + c + "'", start);
                }
                tokens.add(text.substring(start, i));
                positions.add(start);
            }
        }

        Node expression() {
            Node left = additive();
            while (true) {
                String op = peek();
                if (op == null) {
                    return left;
                }
                Op f = switch (op) {
                    case "<" -> (a, b) -> truth(a < b);
                    case "<=" -> (a, b) -> truth(a <= b);
                    case ">" -> (a, b) -> truth(a > b);
                    case ">=" -> (a, b) -> truth(a >= b);
                    case "==" -> (a, b) -> truth(a == b);
                    case "!=" -> (a, b) -> truth(a != b);
                    default -> null;
                };
                if (f == null) {
                    return left;
                }
                next++;
                Node l = left;
                Node r = additive();
                left = in -> combine(l.eval(in), r.eval(in), f);
            }
        }

        private Node additive() {
            Node left = multiplicative();
            while ("+".equals(peek()) || "-".equals(peek())) {
                Op f = tokens.get(next++).equals("+") ? (a, b) -> a + b : (a, b) -> a - b;
                Node l = left;
                Node r = multiplicative();
                left = in -> combine(l.eval(in), r.eval(in), f);
            }
            return left;
        }

        private Node multiplicative() {
            Node left = unary();
            while ("*".equals(peek()) || "/".equals(peek())) {
                Op f = tokens.get(next++).equals("*") ? (a, b) -> a * b : (a, b) -> a / b;
                Node l = left;
                Node r = unary();
                left = in -> combine(l.eval(in), r.eval(in), f);
            }
            return left;
        }

        private Node unary() {
            if ("-".equals(peek())) {
                next++;
                Node operand = unary();
                return in -> combine(Value.of(0), operand.eval(in), (a, b) -> a - b);
            }
            if ("+".equals(peek())) {
                next++;
                return unary();
            }
            return primary();
        }

        private Node primary() {
            String token = peek();
            if (token == null) {
                throw new IllegalArgumentException("the expression " + text + " ends where a value was expected");
            }
            int at = positions.get(next);
            next++;
            if (token.equals("(")) {
                Node inner = expression();
                expect(")");
                return inner;
            }
            char c = token.charAt(0);
            if (Character.isDigit(c) || c == '.') {
                double number;
                try {
                    number = Double.parseDouble(token);
                } catch (NumberFormatException e) {
                    throw unsupported("number " + token, at);
                }
                return in -> Value.of(number);
            }
            if (Character.isLetter(c) || c == '_') {
                if ("(".equals(peek())) {
                    return function(token, at);
                }
                if (!Character.isLowerCase(c)) {
                    throw unsupported("'" + token + "' (metric ids start with a lower-case letter; keywords such as AND, OR, NOT are not supported)", at);
                }
                references.add(token);
                return in -> {
                    NavigableMap<Instant, Double> series = in.get(token);
                    if (series == null) {
                        throw new IllegalArgumentException("the expression " + text + " reads " + token + ", which has no metric");
                    }
                    return Value.of(series);
                };
            }
            throw unsupported("'" + token + "'", at);
        }

        private Node function(String name, int at) {
            if (!name.equals("RATE") && !name.equals("IF")) {
                throw unsupported("function " + name + " (localcloud's metric math has IF and RATE only)", at);
            }
            expect("(");
            List<Node> args = new ArrayList<>();
            if (!")".equals(peek())) {
                args.add(expression());
                while (",".equals(peek())) {
                    next++;
                    args.add(expression());
                }
            }
            expect(")");
            switch (name) {
                case "RATE" -> {
                    arity(name, args, 1, at);
                    Node x = args.get(0);
                    return in -> rate(x.eval(in));
                }
                case "IF" -> {
                    arity(name, args, 3, at);
                    Node c = args.get(0);
                    Node a = args.get(1);
                    Node b = args.get(2);
                    return in -> conditional(c.eval(in), a.eval(in), b.eval(in));
                }
                default -> throw new IllegalStateException("unreachable: " + name);
            }
        }

        private void arity(String name, List<Node> args, int wanted, int at) {
            if (args.size() != wanted) {
                throw new IllegalArgumentException(name + " takes " + wanted + " argument" + (wanted == 1 ? "" : "s")
                        + ", got " + args.size() + " at position " + at + " of " + text);
            }
        }

        private String peek() {
            return next < tokens.size() ? tokens.get(next) : null;
        }

        private void expect(String token) {
            if (!token.equals(peek())) {
                String found = peek() == null ? "the end" : "'" + peek() + "'";
                throw new IllegalArgumentException("expected '" + token + "' but found " + found + " in " + text);
            }
            next++;
        }

        void expectEnd() {
            if (next < tokens.size()) {
                throw new IllegalArgumentException("unexpected '" + tokens.get(next) + "' at position " + positions.get(next)
                        + " of " + text);
            }
        }

        private IllegalArgumentException unsupported(String what, int at) {
            return new IllegalArgumentException("metric math " + what + " at position " + at + " of " + text
                    + " is not supported locally (ids, numbers, + - * /, comparisons, IF, RATE are)");
        }
    }
}
