package dev.fleetpress.localcloud.efs;

import dev.fleetpress.localcloud.ServiceErrors;
import software.amazon.awssdk.services.efs.model.BadRequestException;
import software.amazon.awssdk.services.efs.model.EfsException;
import software.amazon.awssdk.services.efs.model.FileSystemAlreadyExistsException;
import software.amazon.awssdk.services.efs.model.FileSystemNotFoundException;
import software.amazon.awssdk.services.efs.model.InternalServerErrorException;
import software.amazon.awssdk.services.efs.model.TooManyRequestsException;

/**
 * The SDK's own modeled EFS exceptions, filled in as the real client fills them from EFS's REST-JSON
 * answers: EFS's error shapes carry an {@code ErrorCode} member besides the HTTP status.
 */
final class EfsErrors {
    private static final String SERVICE = "EFS";

    private EfsErrors() {
    }

    static EfsException fileSystemNotFound(String id) {
        return fill(FileSystemNotFoundException.builder().errorCode("FileSystemNotFound"), "FileSystemNotFound",
                "File system '" + id + "' does not exist.", 404);
    }

    static EfsException alreadyExists(String id, String creationToken) {
        return fill(FileSystemAlreadyExistsException.builder().errorCode("FileSystemAlreadyExists").fileSystemId(id),
                "FileSystemAlreadyExists", "File system '" + id + "' already exists with creation token '" + creationToken + "'", 409);
    }

    static EfsException badRequest(String message) {
        return fill(BadRequestException.builder().errorCode("BadRequest"), "BadRequest", message, 400);
    }

    static EfsException tooManyRequests(String message) {
        return fill(TooManyRequestsException.builder().errorCode("TooManyRequests"), "TooManyRequests", message, 429);
    }

    static EfsException internalServerError(String message) {
        return fill(InternalServerErrorException.builder().errorCode("InternalServerError"), "InternalServerError", message, 500);
    }

    private static EfsException fill(EfsException.Builder builder, String code, String message, int status) {
        return (EfsException) ServiceErrors.modeled(builder, SERVICE, status, code, message);
    }
}
