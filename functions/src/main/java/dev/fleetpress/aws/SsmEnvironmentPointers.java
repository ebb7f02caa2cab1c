package dev.fleetpress.aws;

import dev.fleetpress.release.EnvironmentPointers;
import dev.fleetpress.release.Environments;
import dev.fleetpress.release.ReleaseBackendException;
import dev.fleetpress.release.ReleaseId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParameterHistoryResponse;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterHistory;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.SsmException;

/**
 * {@link EnvironmentPointers} as SSM String parameters {@code <prefix>/env/<env>/release}. Each set
 * is a PutParameter with Overwrite, so SSM keeps the versions (up to 100) as the environment's
 * history; the instances and the CLI read the same parameter.
 */
public final class SsmEnvironmentPointers implements EnvironmentPointers {
    private static final Pattern PREFIX = Pattern.compile("^/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*$");

    private final SsmClient ssm;
    private final String prefix;
    private final Pattern pointerName;

    private SsmEnvironmentPointers(SsmClient ssm, String prefix) {
        this.ssm = ssm;
        this.prefix = prefix;
        this.pointerName = Pattern.compile("^" + Pattern.quote(prefix + "/env/") + "([^/]+)/release$");
    }

    /** Pointers under {@code prefix} (PARAMETER_PREFIX, for example {@code /fleetpress/my-stack}). */
    public static SsmEnvironmentPointers create(SsmClient ssm, String prefix) {
        Objects.requireNonNull(ssm, "ssm");
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("parameter prefix '" + prefix
                    + "' must look like /fleetpress/<stack> (no trailing slash); template.yaml sets PARAMETER_PREFIX");
        }
        return new SsmEnvironmentPointers(ssm, prefix);
    }

    /** The parameter that holds {@code environment}'s release. */
    public String parameterName(String environment) {
        return prefix + "/env/" + Environments.requireValid(environment) + "/release";
    }

    @Override
    public void set(String environment, ReleaseId releaseId) {
        String name = parameterName(environment);
        try {
            ssm.putParameter(b -> b.name(name).value(releaseId.value()).type(ParameterType.STRING).overwrite(true)
                    .description("FleetPress: the release " + environment + " runs"));
        } catch (SdkException e) {
            throw failure("PutParameter", name, e);
        }
    }

    @Override
    public Optional<ReleaseId> current(String environment) {
        String name = parameterName(environment);
        String value;
        try {
            value = ssm.getParameter(b -> b.name(name)).parameter().value();
        } catch (ParameterNotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("GetParameter", name, e);
        }
        try {
            return Optional.of(ReleaseId.of(value));
        } catch (IllegalArgumentException e) {
            throw new ReleaseBackendException(name + " holds '" + value + "', which is not a release id: "
                    + "promote a release with the fleetpress CLI to repair it", e);
        }
    }

    @Override
    public List<PointerVersion> history(String environment) {
        String name = parameterName(environment);
        List<PointerVersion> versions = new ArrayList<>();
        try {
            for (GetParameterHistoryResponse page : ssm.getParameterHistoryPaginator(b -> b.name(name))) {
                for (ParameterHistory h : page.parameters()) {
                    versions.add(new PointerVersion(h.version(), h.value(), h.lastModifiedDate()));
                }
            }
        } catch (ParameterNotFoundException e) {
            return List.of();
        } catch (SdkException e) {
            throw failure("GetParameterHistory", name, e);
        }
        versions.sort(Comparator.comparingLong(PointerVersion::version).reversed());
        return Collections.unmodifiableList(versions);
    }

    @Override
    public List<String> environments() {
        String path = prefix + "/env/";
        TreeSet<String> names = new TreeSet<>();
        try {
            for (GetParametersByPathResponse page : ssm.getParametersByPathPaginator(b -> b.path(path).recursive(true))) {
                for (Parameter p : page.parameters()) {
                    Matcher m = pointerName.matcher(p.name());
                    if (m.matches() && Environments.isValid(m.group(1))) {
                        names.add(m.group(1));
                    }
                }
            }
        } catch (SdkException e) {
            throw failure("GetParametersByPath", path, e);
        }
        return List.copyOf(names);
    }

    private static ReleaseBackendException failure(String call, String name, SdkException e) {
        String hint = e instanceof SsmException s && s.statusCode() == 400 && "AccessDeniedException".equals(
                s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode())
                ? "; grant ssm:" + call + " on it (template.yaml)"
                : "; the trigger will retry";
        return new ReleaseBackendException("SSM " + call + " of " + name + " failed: " + e.getMessage() + hint, e);
    }
}
