package dev.fleetpress.webhook;

import dev.fleetpress.Settings;
import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import dev.fleetpress.ledger.Ledger;
import dev.fleetpress.log.Log;
import dev.fleetpress.release.BuildRequest;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.release.ReleaseRequests;
import dev.fleetpress.release.RequestOutcome;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns a Git provider's push delivery into release requests. For each request, in this order:
 * <ol>
 *   <li>unknown provider → 404;</li>
 *   <li>body not base64 when it says so, or over {@code MAX_BODY_BYTES} → 400;</li>
 *   <li>signature or token missing or wrong, over the exact raw bytes → 401 (nothing is parsed before);</li>
 *   <li>body not strict UTF-8, not JSON, a missing field or a value that fails {@link Inputs} → 400
 *       {@code {"status":"rejected","reason":…}}, nothing started;</li>
 *   <li>ping → 200; another event type → 202 ignored;</li>
 *   <li>each changed ref: a deletion, or a ref no {@link RefRules} rule maps, is skipped (202 ignored
 *       when every ref is skipped);</li>
 *   <li>a delivery id already in the ledger → 200 {@code {"status":"duplicate"}}, nothing new;</li>
 *   <li>otherwise one {@link BuildRequest} per mapped ref to {@link ReleaseRequests} (which never waits
 *       for the build), then the delivery is recorded in the ledger, and 202 accepted with the outcome.</li>
 * </ol>
 * Bad input never yields 5xx. When a dependency (secret store, ledger, release requests) throws, the
 * answer is 503 so the provider redelivers, and the delivery is not recorded, so that redelivery is
 * acted on; release requests are idempotent, so acting twice starts one build. One JSON log line is
 * written per request, with the correlation keys and never the secret or signature.
 */
public final class WebhookIntake {
    /** Default body limit, 1 MiB: pushes are a few KB; GitHub's 25 MB ceiling is for other events. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    private final Map<String, WebhookProvider> providers;
    private final SecretSource secrets;
    private final Ledger ledger;
    private final ReleaseRequests releases;
    private final RefRules refRules;
    private final long maxBodyBytes;
    private final Clock clock;

    public WebhookIntake(Map<String, WebhookProvider> providers, SecretSource secrets, Ledger ledger,
                         ReleaseRequests releases, RefRules refRules, long maxBodyBytes, Clock clock) {
        this.providers = Map.copyOf(providers);
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.releases = Objects.requireNonNull(releases, "releases");
        this.refRules = Objects.requireNonNull(refRules, "refRules");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("MAX_BODY_BYTES must be positive, got " + maxBodyBytes);
        }
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * The intake for the standard providers, configured from {@code REF_RULES} (required) and
     * {@code MAX_BODY_BYTES} (default 1 MiB); fails fast when either is malformed.
     */
    public static WebhookIntake create(Settings settings, SecretSource secrets, Ledger ledger,
                                       ReleaseRequests releases, Clock clock) {
        return new WebhookIntake(WebhookProvider.standard(), secrets, ledger, releases,
                RefRules.parse(settings.required("REF_RULES")),
                settings.optionalLong("MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES), clock);
    }

    /** Handles one delivery; see the class comment for the contract. */
    public WebhookResponse handle(WebhookRequest request) {
        Map<String, Object> keys = new LinkedHashMap<>();
        WebhookResponse response = process(request, keys);
        keys.put("statusCode", response.statusCode());
        keys.put("status", response.status());
        Object reason = response.body().get("reason");
        if (reason != null) {
            keys.put("reason", reason);
        }
        if (response.statusCode() >= 500) {
            Log.error("webhook delivery not processed", keys);
        } else {
            Log.info("webhook delivery", keys);
        }
        return response;
    }

    private WebhookResponse process(WebhookRequest request, Map<String, Object> keys) {
        WebhookProvider provider = providers.get(request.provider());
        if (provider == null) {
            keys.put("provider", Inputs.printable(request.provider()));
            return WebhookResponse.rejected(404, "unknown provider " + Inputs.printable(request.provider())
                    + ": POST to /webhook/github, /webhook/gitlab or /webhook/bitbucket");
        }
        keys.put("provider", provider.name());
        byte[] raw;
        try {
            raw = rawBody(request);
        } catch (InvalidDeliveryException e) {
            return WebhookResponse.rejected(400, e.getMessage());
        }
        SignatureVerifier verifier = provider.verifier();
        if (!request.headers().containsKey(verifier.header())) {
            return WebhookResponse.rejected(401, "missing " + verifier.header()
                    + " header: set the webhook secret in the " + provider.name() + " webhook settings");
        }
        Secret secret;
        try {
            secret = secrets.secret();
        } catch (RuntimeException e) {
            keys.put("error", describe(e));
            return WebhookResponse.unavailable("the webhook secret cannot be read right now; redeliver later");
        }
        if (!verifier.verify(request.headers(), raw, secret)) {
            return WebhookResponse.rejected(401, verifier.header()
                    + " does not match the body: the webhook secret differs from the one FleetPress holds");
        }
        Delivery delivery;
        try {
            delivery = provider.parser().parse(request.headers(), json(raw));
        } catch (InvalidDeliveryException | JsonException e) {
            return WebhookResponse.rejected(400, e.getMessage());
        }
        keys.put("deliveryId", delivery.deliveryId());
        if (delivery instanceof Delivery.Ping) {
            return new WebhookResponse(200, Json.object("status", "ok", "reason", "ping received"));
        }
        if (delivery instanceof Delivery.Ignored ignored) {
            return WebhookResponse.ignored(ignored.reason());
        }
        return act(provider, (Delivery.Changes) delivery, keys);
    }

    private WebhookResponse act(WebhookProvider provider, Delivery.Changes delivery, Map<String, Object> keys) {
        Instant receivedAt = clock.instant();
        List<Step> steps = new ArrayList<>();
        for (RefChange change : delivery.changes()) {
            steps.add(plan(change, delivery.deliveryId(), receivedAt));
        }
        if (steps.stream().noneMatch(Build.class::isInstance)) {
            return WebhookResponse.ignored(steps.stream().map(s -> ((Skip) s).reason()).collect(Collectors.joining("; ")));
        }
        String ledgerKey = "deliveries/" + provider.name() + "/" + delivery.deliveryId();
        List<Map<String, Object>> results = new ArrayList<>();
        try {
            if (ledger.read(ledgerKey).isPresent()) {
                return new WebhookResponse(200, Json.object("status", "duplicate"));
            }
            for (Step step : steps) {
                if (step instanceof Build build) {
                    results.add(accepted(build.request(), releases.request(build.request())));
                } else {
                    results.add(Json.object("status", "ignored", "ref", step.ref(), "reason", ((Skip) step).reason()));
                }
            }
            putCorrelation(keys, results);
            ledger.createIfAbsent(ledgerKey, Json.write(Json.object(
                    "provider", provider.name(), "deliveryId", delivery.deliveryId(),
                    "receivedAt", receivedAt.toString(), "results", results)));
        } catch (RuntimeException e) {
            keys.put("error", describe(e));
            return WebhookResponse.unavailable("a FleetPress dependency failed while starting the release; redeliver later");
        }
        if (results.size() == 1) {
            return new WebhookResponse(202, results.get(0));
        }
        return new WebhookResponse(202, Json.object("status", "accepted", "results", results));
    }

    private Step plan(RefChange change, String deliveryId, Instant receivedAt) {
        if (change instanceof RefDeletion) {
            return new Skip(change.ref(), change.ref() + " was deleted: there is nothing to release");
        }
        Push push = (Push) change;
        Optional<String> environment = refRules.environmentFor(push.ref());
        if (environment.isEmpty()) {
            return new Skip(push.ref(), "no REF_RULES rule maps " + push.ref() + " to an environment");
        }
        return new Build(new BuildRequest(ReleaseId.forCommit(push.commit()), push.repository(), push.commit(),
                push.ref(), environment.get(), deliveryId, receivedAt));
    }

    private static Map<String, Object> accepted(BuildRequest request, RequestOutcome outcome) {
        return Json.object(
                "status", "accepted",
                "ref", request.ref(),
                "outcome", outcome.kind().name(),
                "release", request.releaseId().value(),
                "environment", request.environment(),
                "buildId", outcome.buildId(),
                "message", outcome.message());
    }

    /** Comma-joined so that a key has one type in every log line, however many refs a push changed. */
    private static void putCorrelation(Map<String, Object> keys, List<Map<String, Object>> results) {
        List<Map<String, Object>> accepted = results.stream().filter(r -> "accepted".equals(r.get("status"))).toList();
        for (String key : List.of("release", "environment", "outcome", "buildId")) {
            keys.put(key, accepted.stream().map(r -> r.get(key)).filter(Objects::nonNull).map(String::valueOf)
                    .collect(Collectors.joining(",")));
        }
    }

    private byte[] rawBody(WebhookRequest request) {
        byte[] raw;
        if (request.base64Encoded()) {
            try {
                raw = Base64.getDecoder().decode(request.body());
            } catch (IllegalArgumentException e) {
                throw new InvalidDeliveryException("body is marked base64-encoded but is not valid base64");
            }
        } else {
            raw = request.body().getBytes(StandardCharsets.UTF_8);
        }
        if (raw.length > maxBodyBytes) {
            throw new InvalidDeliveryException("body is " + raw.length + " bytes, over the limit of " + maxBodyBytes
                    + " (MAX_BODY_BYTES): send push events only");
        }
        return raw;
    }

    private static Json.Node json(byte[] raw) {
        String text = strictUtf8(raw);
        try {
            return Json.parse(text);
        } catch (JsonException e) {
            // GitHub's other content type wraps the JSON in a form field; say how to fix the hook.
            if (text.startsWith("payload=")) {
                throw new InvalidDeliveryException("body is form-encoded: set the webhook's content type to application/json");
            }
            throw e;
        }
    }

    private static String strictUtf8(byte[] raw) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidDeliveryException("body is not valid UTF-8: send the webhook as application/json");
        }
    }

    /** Exception class and first line only: enough to diagnose, and SDK messages carry no secrets. */
    private static String describe(RuntimeException e) {
        String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        return e.getClass().getSimpleName() + ": " + message;
    }

    private sealed interface Step permits Skip, Build {
        String ref();
    }

    private record Skip(String ref, String reason) implements Step {
    }

    private record Build(BuildRequest request) implements Step {
        @Override
        public String ref() {
            return request.ref();
        }
    }
}
