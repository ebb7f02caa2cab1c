package dev.fleetpress.localcloud.template;

/** template.yaml cannot be read or resolved; the message names the resource, property or intrinsic at fault. */
public final class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }

    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
