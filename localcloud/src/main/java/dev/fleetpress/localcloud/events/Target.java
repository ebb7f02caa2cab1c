package dev.fleetpress.localcloud.events;

/**
 * Where the bus delivers a matched event: on AWS an asynchronous Lambda invocation, locally a call
 * into localcloud's Lambda. Returning normally means the function succeeded. Throwing
 * {@link TargetUnavailableException} means the invocation could not be made (EventBridge retries it
 * under the rule's retry policy); any other exception is a function error (Lambda's asynchronous
 * retries apply).
 */
@FunctionalInterface
public interface Target {
    void invoke(String functionLogicalId, String eventJson) throws Exception;
}
