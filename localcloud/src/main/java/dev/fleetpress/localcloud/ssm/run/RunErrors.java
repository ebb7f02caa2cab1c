package dev.fleetpress.localcloud.ssm.run;

import dev.fleetpress.localcloud.ssm.SsmErrors;
import java.util.List;
import software.amazon.awssdk.services.ssm.model.DuplicateInstanceIdException;
import software.amazon.awssdk.services.ssm.model.InvalidCommandIdException;
import software.amazon.awssdk.services.ssm.model.InvalidDocumentException;
import software.amazon.awssdk.services.ssm.model.InvalidFilterKeyException;
import software.amazon.awssdk.services.ssm.model.InvalidInstanceIdException;
import software.amazon.awssdk.services.ssm.model.InvalidParametersException;
import software.amazon.awssdk.services.ssm.model.InvalidPluginNameException;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;
import software.amazon.awssdk.services.ssm.model.SsmException;

/** Run Command's modeled errors, with the error codes (the model's shape names) the SDK maps them from. */
final class RunErrors {
    private RunErrors() {
    }

    static SsmException invalidDocument(String name) {
        return SsmErrors.modeled(InvalidDocumentException.builder(), "InvalidDocument",
                "Document with name " + name + " does not exist.");
    }

    static SsmException invalidParameters(String message) {
        return SsmErrors.modeled(InvalidParametersException.builder(), "InvalidParameters", message);
    }

    static SsmException invalidInstanceIds(List<String> ids) {
        return SsmErrors.modeled(InvalidInstanceIdException.builder(), "InvalidInstanceId",
                "Instances [[" + String.join(", ", ids) + "]] not in a valid state for account 000000000000");
    }

    static SsmException duplicateInstanceId() {
        return SsmErrors.modeled(DuplicateInstanceIdException.builder(), "DuplicateInstanceId",
                "An instance id appears more than once in InstanceIds.");
    }

    static SsmException invocationDoesNotExist() {
        return SsmErrors.modeled(InvocationDoesNotExistException.builder(), "InvocationDoesNotExist", "");
    }

    static SsmException invalidCommandId() {
        return SsmErrors.modeled(InvalidCommandIdException.builder(), "InvalidCommandId", "");
    }

    static SsmException invalidPluginName(String name) {
        return SsmErrors.modeled(InvalidPluginNameException.builder(), "InvalidPluginName",
                name == null ? "The document has more than one step: give PluginName." : "No step named " + name + ".");
    }

    static SsmException invalidFilterKey(String key) {
        return SsmErrors.modeled(InvalidFilterKeyException.builder(), "InvalidFilterKey",
                "The filter key " + key + " is not supported locally (only InstanceIds).");
    }

    static SsmException validation(String message) {
        return SsmErrors.validation(message);
    }
}
