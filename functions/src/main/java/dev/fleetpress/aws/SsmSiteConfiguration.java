package dev.fleetpress.aws;

import dev.fleetpress.media.offload.SiteConfiguration;
import dev.fleetpress.release.Environments;
import dev.fleetpress.release.ReleaseBackendException;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * {@link SiteConfiguration} as SSM Parameter Store: {@code <prefix>/config/<env>/<NAME>} String parameters,
 * written with PutParameter (overwrite) and removed with DeleteParameter, as the bootstrap reads them with
 * GetParametersByPath. The caller needs ssm:PutParameter and ssm:DeleteParameter on those names.
 */
public final class SsmSiteConfiguration implements SiteConfiguration {
    private static final Pattern CONSTANT = Pattern.compile("^[A-Z][A-Z0-9_]{0,63}$");
    private static final Pattern PREFIX = Pattern.compile("^/[A-Za-z0-9_./-]{1,200}$");

    private final SsmClient ssm;
    private final String prefix;

    private SsmSiteConfiguration(SsmClient ssm, String prefix) {
        this.ssm = ssm;
        this.prefix = prefix;
    }

    /** @param prefix the stack's parameter prefix, {@code /fleetpress/<stack>} (its output ParameterPrefix) */
    public static SsmSiteConfiguration create(SsmClient ssm, String prefix) {
        Objects.requireNonNull(ssm, "ssm");
        if (prefix == null || !PREFIX.matcher(prefix).matches() || prefix.contains("..") || prefix.contains("//")
                || prefix.endsWith("/")) {
            throw new IllegalArgumentException("parameter prefix '" + prefix + "' must be like /fleetpress/<stack>");
        }
        return new SsmSiteConfiguration(ssm, prefix);
    }

    /** The parameter that holds {@code name} for {@code environment}. */
    public String parameterName(String environment, String name) {
        if (name == null || !CONSTANT.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a constant name (^[A-Z][A-Z0-9_]{0,63}$)");
        }
        return prefix + "/config/" + Environments.requireValid(environment) + "/" + name;
    }

    @Override
    public void put(String environment, String name, String value) {
        String parameter = parameterName(environment, name);
        try {
            ssm.putParameter(b -> b.name(parameter).value(value).type(ParameterType.STRING).overwrite(true));
        } catch (SdkException e) {
            throw new ReleaseBackendException("SSM PutParameter " + parameter + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String environment, String name) {
        String parameter = parameterName(environment, name);
        try {
            ssm.deleteParameter(b -> b.name(parameter));
            return true;
        } catch (ParameterNotFoundException e) {
            return false;
        } catch (SdkException e) {
            throw new ReleaseBackendException("SSM DeleteParameter " + parameter + " failed: " + e.getMessage(), e);
        }
    }
}
