package dev.fleetpress.localcloud.ssm;

import dev.fleetpress.localcloud.TokenBucket;
import dev.fleetpress.localcloud.ssm.run.RunCommand;
import dev.fleetpress.localcloud.ssm.run.RunCommandConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.CancelCommandRequest;
import software.amazon.awssdk.services.ssm.model.CancelCommandResponse;
import software.amazon.awssdk.services.ssm.model.DeleteParameterRequest;
import software.amazon.awssdk.services.ssm.model.DeleteParameterResponse;
import software.amazon.awssdk.services.ssm.model.DeleteParametersRequest;
import software.amazon.awssdk.services.ssm.model.DeleteParametersResponse;
import software.amazon.awssdk.services.ssm.model.DescribeInstanceInformationRequest;
import software.amazon.awssdk.services.ssm.model.DescribeInstanceInformationResponse;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationRequest;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.GetParameterHistoryRequest;
import software.amazon.awssdk.services.ssm.model.GetParameterHistoryResponse;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;
import software.amazon.awssdk.services.ssm.model.GetParameterResponse;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathRequest;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathResponse;
import software.amazon.awssdk.services.ssm.model.GetParametersRequest;
import software.amazon.awssdk.services.ssm.model.GetParametersResponse;
import software.amazon.awssdk.services.ssm.model.LabelParameterVersionRequest;
import software.amazon.awssdk.services.ssm.model.LabelParameterVersionResponse;
import software.amazon.awssdk.services.ssm.model.ListCommandInvocationsRequest;
import software.amazon.awssdk.services.ssm.model.ListCommandInvocationsResponse;
import software.amazon.awssdk.services.ssm.model.ListCommandsRequest;
import software.amazon.awssdk.services.ssm.model.ListCommandsResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterHistory;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterTier;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.ParameterVersionNotFoundException;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;
import software.amazon.awssdk.services.ssm.model.PutParameterResponse;
import software.amazon.awssdk.services.ssm.model.SendCommandRequest;
import software.amazon.awssdk.services.ssm.model.SendCommandResponse;

/**
 * Parameter Store for one machine, behind the SDK's own {@link SsmClient} interface so FleetPress's
 * production adapters run against it unchanged.
 *
 * <p>Implemented: {@code PutParameter} (String, StringList, SecureString; without {@code Overwrite}
 * an atomic create answering {@code ParameterAlreadyExists}; with it a new version; 100 versions kept,
 * oldest dropped unless labelled; 4 KB standard / 8 KB advanced values; name rules; allowed
 * patterns), {@code GetParameter} (with {@code name:version} and {@code name:label} selectors),
 * {@code GetParameters}, {@code GetParameterHistory} (oldest first, at most 50 a page),
 * {@code GetParametersByPath} (recursive or one level, at most 10 a page, no filters),
 * {@code DeleteParameter}, {@code DeleteParameters} and {@code LabelParameterVersion} (at most 10
 * labels a version, a label moves between versions). Every other operation is the SDK's default,
 * which throws {@link UnsupportedOperationException}. Errors are the SDK's modeled exceptions with
 * AWS's error codes, status 400 and messages.
 *
 * <p>State lives in {@code parameters.json} in the data folder and is shared with any other
 * process that opens the same folder (see {@link ParameterFile}); SecureString values are stored
 * encrypted. {@link #setThrottle(double)} makes every call beyond a rate answer
 * {@code ThrottlingException: Rate exceeded}, as the real service does under load.
 *
 * <p>{@link #publishChangeEvents(Consumer)} makes every successful PutParameter ({@code Create} or
 * {@code Update}), DeleteParameter / DeleteParameters ({@code Delete}) and LabelParameterVersion
 * publish a {@code Parameter Store Change} EventBridge event ({@link ParameterEvents}), once the
 * change is on disk, from the process that made it: a second process writing the same folder
 * directly publishes to its own sink, if any (writes through {@link LocalSsmEndpoint} are this
 * process's).
 *
 * <p>Run Command ({@code SendCommand}, {@code GetCommandInvocation}, {@code ListCommandInvocations},
 * {@code ListCommands}, {@code CancelCommand}, {@code DescribeInstanceInformation}) is off until
 * {@link #enableRunCommand(RunCommandConfig)} gives it instances and documents; see {@link RunCommand}.
 * Its calls count against the same throttle. Command output is kept under {@code run-command/} in
 * the data folder.
 */
public final class LocalSsm implements SsmClient {
    static final String ACCOUNT = "000000000000";
    static final String REGION = "us-east-1";
    private static final String ARN_PREFIX = "arn:aws:ssm:" + REGION + ":" + ACCOUNT + ":parameter";
    private static final String MODIFIED_BY = "arn:aws:iam::000000000000:user/localcloud";
    private static final String DEFAULT_KEY = "alias/aws/ssm";
    private static final int MAX_PARAMETERS = 10_000;
    private static final int MAX_LABELS = 10;

    private final Path folder;
    private final ParameterFile file;
    private final SecureStrings secrets;
    private volatile TokenBucket throttle = TokenBucket.unlimited();
    private volatile RunCommand runCommand;
    private volatile Consumer<String> changeEvents = event -> { };
    private final Clock clock;

    private LocalSsm(Path folder, Clock clock) {
        this.folder = folder.toAbsolutePath();
        this.file = new ParameterFile(folder);
        this.secrets = file.read(state -> SecureStrings.load(folder.toAbsolutePath()));
        this.clock = clock;
    }

    /**
     * Opens (creating if needed) the Parameter Store kept in {@code dataDir} (its
     * {@code parameters.json}, lock and SecureString key files); give each store its own folder.
     */
    public static LocalSsm open(Path dataDir) {
        return new LocalSsm(dataDir, Clock.systemUTC());
    }

    /**
     * Answers every call beyond {@code callsPerSecond} (burst: one second's worth) with
     * {@code ThrottlingException}; 0 turns throttling off. Applies to this client only.
     */
    public void setThrottle(double callsPerSecond) {
        throttle = TokenBucket.perSecond(callsPerSecond);
    }

    /**
     * Sends a {@code Parameter Store Change} event (JSON, as EventBridge delivers it) to {@code events}
     * after every successful write from now on, replacing any earlier sink. Delivery is best effort,
     * as on AWS: a failing sink never fails or undoes the write.
     */
    public void publishChangeEvents(Consumer<String> events) {
        changeEvents = Objects.requireNonNull(events, "events");
    }

    /**
     * Turns Run Command on with these instances, documents, event sink and timings; once per client
     * (a second call fails, since commands already sent could not move to the new configuration).
     */
    public synchronized void enableRunCommand(RunCommandConfig config) {
        if (runCommand != null) {
            throw new IllegalStateException("Run Command is already enabled on this LocalSsm");
        }
        runCommand = RunCommand.start(config, folder.resolve("run-command"), clock);
    }

    @Override
    public SendCommandResponse sendCommand(SendCommandRequest request) {
        admit();
        return runCommand().sendCommand(request);
    }

    @Override
    public GetCommandInvocationResponse getCommandInvocation(GetCommandInvocationRequest request) {
        admit();
        return runCommand().getCommandInvocation(request);
    }

    @Override
    public ListCommandInvocationsResponse listCommandInvocations(ListCommandInvocationsRequest request) {
        admit();
        return runCommand().listCommandInvocations(request);
    }

    @Override
    public ListCommandsResponse listCommands(ListCommandsRequest request) {
        admit();
        return runCommand().listCommands(request);
    }

    @Override
    public CancelCommandResponse cancelCommand(CancelCommandRequest request) {
        admit();
        return runCommand().cancelCommand(request);
    }

    @Override
    public DescribeInstanceInformationResponse describeInstanceInformation(DescribeInstanceInformationRequest request) {
        admit();
        return runCommand().describeInstanceInformation(request);
    }

    @Override
    public PutParameterResponse putParameter(PutParameterRequest request) {
        admit();
        String name = ParameterNames.requireValid(request.name());
        String value = request.value();
        if (value == null || value.isEmpty()) {
            throw SsmErrors.validation("1 validation error detected: Value at 'value' failed to satisfy constraint: "
                    + "Member must have length greater than or equal to 1");
        }
        String tier = tierOf(request);
        checkSize(value, tier);
        if (request.dataType() != null && !request.dataType().equals("text")) {
            throw ParameterNames.unsupported("DataType " + request.dataType());
        }
        boolean overwrite = Boolean.TRUE.equals(request.overwrite());
        Instant now = clock.instant();
        Written written = file.update(state -> {
            StoredParameter existing = state.get(name);
            if (existing != null && !overwrite) {
                throw SsmErrors.alreadyExists();
            }
            if (existing == null && state.size() >= MAX_PARAMETERS) {
                throw SsmErrors.parameterLimit();
            }
            StoredVersion previous = existing == null ? null : existing.latest();
            String type = typeOf(request, previous);
            String pattern = request.allowedPattern() != null ? request.allowedPattern()
                    : previous == null ? null : previous.allowedPattern();
            checkPattern(value, pattern);
            boolean secure = type.equals(ParameterType.SECURE_STRING.toString());
            String keyId = secure ? (request.keyId() != null ? request.keyId() : DEFAULT_KEY) : null;
            String description = request.description() != null ? request.description()
                    : previous == null ? null : previous.description();
            long number = previous == null ? 1 : previous.version() + 1;
            List<StoredVersion> versions = new ArrayList<>(existing == null ? List.of() : existing.versions());
            if (versions.size() == StoredParameter.MAX_VERSIONS) {
                StoredVersion oldest = versions.get(0);
                if (!oldest.labels().isEmpty()) {
                    throw SsmErrors.maxVersions(name, oldest.version());
                }
                versions.remove(0);
            }
            versions.add(new StoredVersion(number, type, secure ? secrets.encrypt(value) : value, keyId, description,
                    pattern, tier, now, List.of()));
            state.put(name, new StoredParameter(name, versions));
            return new Written(PutParameterResponse.builder().version(number).tier(tier).build(),
                    existing == null ? ParameterEvents.CREATE : ParameterEvents.UPDATE, type, description);
        });
        publishChange(written.operation(), name, written.type(), written.description());
        return written.response();
    }

    /** What a write returns, with what its change event needs to say. */
    private record Written(PutParameterResponse response, String operation, String type, String description) {
    }

    @Override
    public GetParameterResponse getParameter(GetParameterRequest request) {
        admit();
        boolean decrypt = Boolean.TRUE.equals(request.withDecryption());
        return file.read(state -> GetParameterResponse.builder()
                .parameter(resolve(state, request.name(), decrypt)).build());
    }

    @Override
    public GetParametersResponse getParameters(GetParametersRequest request) {
        admit();
        List<String> names = request.names();
        if (names.isEmpty() || names.size() > 10) {
            throw SsmErrors.validation("1 validation error detected: Value at 'names' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 10 and greater than or equal to 1");
        }
        boolean decrypt = Boolean.TRUE.equals(request.withDecryption());
        return file.read(state -> {
            List<Parameter> found = new ArrayList<>();
            Set<String> invalid = new LinkedHashSet<>();
            for (String name : new LinkedHashSet<>(names)) {
                try {
                    found.add(resolve(state, name, decrypt));
                } catch (ParameterNotFoundException | ParameterVersionNotFoundException e) {
                    invalid.add(name);
                }
            }
            return GetParametersResponse.builder().parameters(found).invalidParameters(invalid).build();
        });
    }

    @Override
    public GetParameterHistoryResponse getParameterHistory(GetParameterHistoryRequest request) {
        admit();
        String name = ParameterNames.requireValid(request.name());
        int max = pageSize(request.maxResults(), 50, "maxResults");
        boolean decrypt = Boolean.TRUE.equals(request.withDecryption());
        long after = request.nextToken() == null ? 0 : versionFromToken(request.nextToken());
        return file.read(state -> {
            StoredParameter p = state.get(name);
            if (p == null) {
                throw SsmErrors.notFound(name);
            }
            List<StoredVersion> rest = p.versions().stream().filter(v -> v.version() > after).toList();
            List<StoredVersion> page = rest.subList(0, Math.min(max, rest.size()));
            List<ParameterHistory> history = page.stream().map(v -> ParameterHistory.builder()
                    .name(name).type(v.type()).keyId(v.keyId()).lastModifiedDate(v.lastModified())
                    .lastModifiedUser(MODIFIED_BY).description(v.description()).value(reveal(v, decrypt))
                    .allowedPattern(v.allowedPattern()).version(v.version()).labels(v.labels()).tier(v.tier())
                    .policies(List.of()).dataType("text").build()).toList();
            String next = rest.size() > page.size() ? token(Long.toString(page.get(page.size() - 1).version())) : null;
            return GetParameterHistoryResponse.builder().parameters(history).nextToken(next).build();
        });
    }

    @Override
    public GetParametersByPathResponse getParametersByPath(GetParametersByPathRequest request) {
        admit();
        String path = ParameterNames.requireValidPath(request.path());
        if (request.hasParameterFilters() && !request.parameterFilters().isEmpty()) {
            throw ParameterNames.unsupported("ParameterFilters");
        }
        int max = pageSize(request.maxResults(), 10, "maxResults");
        boolean recursive = Boolean.TRUE.equals(request.recursive());
        boolean decrypt = Boolean.TRUE.equals(request.withDecryption());
        String after = request.nextToken() == null ? null : untoken(request.nextToken());
        String prefix = path.equals("/") ? "/" : path + "/";
        return file.read(state -> {
            List<Parameter> page = new ArrayList<>();
            String next = null;
            Map<String, StoredParameter> candidates = after == null ? state.tailMap(prefix) : state.tailMap(after, false);
            for (StoredParameter p : candidates.values()) {
                if (!p.name().startsWith(prefix)) {
                    break;
                }
                if (!recursive && p.name().indexOf('/', prefix.length()) >= 0) {
                    continue;
                }
                if (page.size() == max) {
                    next = token(page.get(page.size() - 1).name());
                    break;
                }
                page.add(toParameter(p.name(), p.latest(), decrypt, null));
            }
            return GetParametersByPathResponse.builder().parameters(page).nextToken(next).build();
        });
    }

    @Override
    public DeleteParameterResponse deleteParameter(DeleteParameterRequest request) {
        admit();
        String name = ParameterNames.requireValid(request.name());
        StoredVersion deleted = file.update(state -> {
            StoredParameter removed = state.remove(name);
            if (removed == null) {
                throw SsmErrors.notFound(name);
            }
            return removed.latest();
        });
        publishChange(ParameterEvents.DELETE, name, deleted.type(), deleted.description());
        return DeleteParameterResponse.builder().build();
    }

    @Override
    public DeleteParametersResponse deleteParameters(DeleteParametersRequest request) {
        admit();
        List<String> names = request.names();
        if (names.isEmpty() || names.size() > 10) {
            throw SsmErrors.validation("1 validation error detected: Value at 'names' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 10 and greater than or equal to 1");
        }
        Map<String, StoredVersion> deleted = new LinkedHashMap<>();
        List<String> invalid = new ArrayList<>();
        file.update(state -> {
            for (String name : names) {
                StoredParameter removed = state.remove(name);
                if (removed != null) {
                    deleted.put(name, removed.latest());
                } else {
                    invalid.add(name);
                }
            }
            return null;
        });
        deleted.forEach((name, v) -> publishChange(ParameterEvents.DELETE, name, v.type(), v.description()));
        return DeleteParametersResponse.builder().deletedParameters(List.copyOf(deleted.keySet()))
                .invalidParameters(invalid).build();
    }

    @Override
    public LabelParameterVersionResponse labelParameterVersion(LabelParameterVersionRequest request) {
        admit();
        String name = ParameterNames.requireValid(request.name());
        List<String> labels = request.labels();
        if (labels.isEmpty() || labels.size() > MAX_LABELS) {
            throw SsmErrors.validation("1 validation error detected: Value at 'labels' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 10 and greater than or equal to 1");
        }
        List<String> valid = labels.stream().filter(ParameterNames::isValidLabel).distinct().toList();
        List<String> invalid = labels.stream().filter(l -> !ParameterNames.isValidLabel(l)).toList();
        StoredVersion labelled = file.update(state -> {
            StoredParameter p = state.get(name);
            if (p == null) {
                throw SsmErrors.notFound(name);
            }
            long number = request.parameterVersion() == null ? p.latest().version() : request.parameterVersion();
            StoredVersion target = p.version(number)
                    .orElseThrow(() -> SsmErrors.versionNotFound(name, Long.toString(number)));
            Set<String> merged = new LinkedHashSet<>(target.labels());
            merged.addAll(valid);
            if (merged.size() > MAX_LABELS) {
                throw SsmErrors.labelLimit();
            }
            List<StoredVersion> versions = p.versions().stream().map(v -> v.version() == number
                    ? v.withLabels(List.copyOf(merged))
                    : v.withLabels(v.labels().stream().filter(l -> !valid.contains(l)).toList())).toList();
            state.put(name, new StoredParameter(name, versions));
            return target;
        });
        if (!valid.isEmpty()) {
            publishChange(ParameterEvents.LABEL, name, labelled.type(), labelled.description());
        }
        return LabelParameterVersionResponse.builder().invalidLabels(invalid).parameterVersion(labelled.version()).build();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    /** Stops Run Command (killing running scripts); Parameter Store has nothing to release. */
    @Override
    public void close() {
        RunCommand running = runCommand;
        if (running != null) {
            running.close();
        }
    }

    private RunCommand runCommand() {
        RunCommand running = runCommand;
        if (running == null) {
            throw new UnsupportedOperationException("Run Command is off on this LocalSsm: call enableRunCommand first");
        }
        return running;
    }

    /** Best effort, as EventBridge delivery is: a failing sink never undoes a write that is already on disk. */
    private void publishChange(String operation, String name, String type, String description) {
        try {
            changeEvents.accept(ParameterEvents.change(operation, name, type, description, clock.instant()));
        } catch (RuntimeException e) {
            System.err.println("localcloud: a Parameter Store Change event for " + name + " was not delivered: " + e);
        }
    }

    /** The parameter's ARN: {@code name} after {@code parameter/}, without doubling its leading slash. */
    static String arn(String name) {
        return ARN_PREFIX + (name.startsWith("/") ? name : "/" + name);
    }

    private void admit() {
        if (!throttle.tryAcquire()) {
            throw SsmErrors.throttling();
        }
    }

    /** Resolves {@code name}, {@code name:version} or {@code name:label}. */
    private Parameter resolve(TreeMap<String, StoredParameter> state, String target, boolean decrypt) {
        int colon = target == null ? -1 : target.indexOf(':');
        String name = ParameterNames.requireValid(colon < 0 ? target : target.substring(0, colon));
        StoredParameter p = state.get(name);
        if (p == null) {
            throw SsmErrors.notFound(name);
        }
        if (colon < 0) {
            return toParameter(name, p.latest(), decrypt, null);
        }
        String selector = target.substring(colon + 1);
        StoredVersion v = selector.chars().allMatch(Character::isDigit) && !selector.isEmpty()
                ? p.version(Long.parseLong(selector)).orElseThrow(() -> SsmErrors.versionNotFound(name, selector))
                : p.labelled(selector).orElseThrow(() -> SsmErrors.versionNotFound(name, selector));
        return toParameter(name, v, decrypt, ":" + selector);
    }

    private Parameter toParameter(String name, StoredVersion v, boolean decrypt, String selector) {
        return Parameter.builder().name(name).type(v.type()).value(reveal(v, decrypt)).version(v.version())
                .selector(selector).lastModifiedDate(v.lastModified())
                .arn(arn(name)).dataType("text").build();
    }

    private String reveal(StoredVersion v, boolean decrypt) {
        return decrypt && v.type().equals(ParameterType.SECURE_STRING.toString()) ? secrets.decrypt(v.value()) : v.value();
    }

    private static String typeOf(PutParameterRequest request, StoredVersion previous) {
        if (request.type() == null) {
            if (previous == null) {
                throw SsmErrors.validation("A parameter type is required when you create a parameter.");
            }
            return previous.type();
        }
        if (request.type() == ParameterType.UNKNOWN_TO_SDK_VERSION) {
            throw SsmErrors.validation("1 validation error detected: Value '" + request.typeAsString()
                    + "' at 'type' failed to satisfy constraint: Member must satisfy enum value set: "
                    + "[SecureString, StringList, String]");
        }
        return request.type().toString();
    }

    private static String tierOf(PutParameterRequest request) {
        if (request.tier() == null || request.tier() == ParameterTier.INTELLIGENT_TIERING) {
            // Intelligent-Tiering picks Standard for values that fit it, which FleetPress's always do.
            return ParameterTier.STANDARD.toString();
        }
        if (request.tier() == ParameterTier.UNKNOWN_TO_SDK_VERSION) {
            throw SsmErrors.validation("1 validation error detected: Value '" + request.tierAsString()
                    + "' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: "
                    + "[Advanced, Intelligent-Tiering, Standard]");
        }
        return request.tier().toString();
    }

    private static void checkSize(String value, String tier) {
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (tier.equals(ParameterTier.STANDARD.toString()) && bytes > 4096) {
            throw SsmErrors.validation("Standard tier parameters support a maximum parameter value of 4096 characters. "
                    + "To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. "
                    + "For more information, see "
                    + "https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html");
        }
        if (bytes > 8192) {
            throw SsmErrors.validation("1 validation error detected: Value at 'value' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 8192");
        }
    }

    private static void checkPattern(String value, String pattern) {
        if (pattern == null) {
            return;
        }
        try {
            if (!Pattern.compile(pattern).matcher(value).matches()) {
                throw SsmErrors.patternMismatch(pattern);
            }
        } catch (PatternSyntaxException e) {
            throw SsmErrors.validation("The allowedPattern " + pattern + " is not a valid regular expression: "
                    + e.getDescription());
        }
    }

    private static int pageSize(Integer requested, int max, String field) {
        if (requested == null) {
            return max;
        }
        if (requested < 1 || requested > max) {
            throw SsmErrors.validation("1 validation error detected: Value '" + requested + "' at '" + field
                    + "' failed to satisfy constraint: Member must have value less than or equal to " + max
                    + " and greater than or equal to 1");
        }
        return requested;
    }

    private static String token(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    private static String untoken(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw SsmErrors.invalidNextToken();
        }
    }

    private static long versionFromToken(String token) {
        try {
            return Long.parseLong(untoken(token));
        } catch (NumberFormatException e) {
            throw SsmErrors.invalidNextToken();
        }
    }
}
