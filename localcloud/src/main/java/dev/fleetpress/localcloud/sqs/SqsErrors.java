package dev.fleetpress.localcloud.sqs;

import dev.fleetpress.localcloud.ServiceErrors;
import java.util.Locale;
import software.amazon.awssdk.services.sqs.model.BatchEntryIdsNotDistinctException;
import software.amazon.awssdk.services.sqs.model.BatchRequestTooLongException;
import software.amazon.awssdk.services.sqs.model.EmptyBatchRequestException;
import software.amazon.awssdk.services.sqs.model.InvalidAttributeNameException;
import software.amazon.awssdk.services.sqs.model.InvalidBatchEntryIdException;
import software.amazon.awssdk.services.sqs.model.InvalidMessageContentsException;
import software.amazon.awssdk.services.sqs.model.MessageNotInflightException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiptHandleIsInvalidException;
import software.amazon.awssdk.services.sqs.model.SqsException;
import software.amazon.awssdk.services.sqs.model.TooManyEntriesInBatchRequestException;

/**
 * The SDK's own modeled SQS exceptions, filled in as the real client fills them from a 400 answer.
 * SQS speaks a JSON protocol that keeps its older query error codes ({@code x-amzn-query-error}),
 * and the SDK reports those codes, so these carry them too. Errors the SDK models with no class of
 * their own ({@code InvalidParameterValue}, {@code MissingParameter}) are a plain {@link SqsException}
 * with that error code, as the SDK produces them.
 */
final class SqsErrors {
    private static final String SERVICE = "Sqs";

    private SqsErrors() {
    }

    static SqsException queueDoesNotExist() {
        return fill(QueueDoesNotExistException.builder(), "AWS.SimpleQueueService.NonExistentQueue",
                "The specified queue does not exist.");
    }

    static SqsException invalidParameterValue(String message) {
        return fill(SqsException.builder(), "InvalidParameterValue", message);
    }

    static SqsException missingParameter(String parameter) {
        return fill(SqsException.builder(), "MissingParameter", "The request must contain the parameter " + parameter + ".");
    }

    static SqsException invalidMessageContents(int codePoint) {
        return fill(InvalidMessageContentsException.builder(), "InvalidMessageContents",
                "Invalid binary character '#x" + Integer.toHexString(codePoint).toUpperCase(Locale.ROOT)
                        + "' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | "
                        + "#x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");
    }

    static SqsException receiptHandleInvalid(String handle) {
        return fill(ReceiptHandleIsInvalidException.builder(), "ReceiptHandleIsInvalid",
                "The input receipt handle \"" + handle + "\" is not a valid receipt handle.");
    }

    static SqsException messageNotInflight() {
        return fill(MessageNotInflightException.builder(), "AWS.SimpleQueueService.MessageNotInflight",
                "Message does not exist or is not available for visibility timeout change.");
    }

    static SqsException invalidAttributeName(String name) {
        return fill(InvalidAttributeNameException.builder(), "InvalidAttributeName", "Unknown Attribute " + name + ".");
    }

    static SqsException emptyBatch() {
        return fill(EmptyBatchRequestException.builder(), "AWS.SimpleQueueService.EmptyBatchRequest",
                "There should be at least one SendMessageBatchRequestEntry in the request.");
    }

    static SqsException tooManyEntries(int count) {
        return fill(TooManyEntriesInBatchRequestException.builder(), "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
                "Maximum number of entries per request are 10. You have sent " + count + ".");
    }

    static SqsException idsNotDistinct(String id) {
        return fill(BatchEntryIdsNotDistinctException.builder(), "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
                "Id " + id + " repeated.");
    }

    static SqsException invalidBatchEntryId() {
        return fill(InvalidBatchEntryIdException.builder(), "AWS.SimpleQueueService.InvalidBatchEntryId",
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
                        + "It can be at most 80 letters long.");
    }

    static SqsException batchTooLong(int bytes, int limit) {
        return fill(BatchRequestTooLongException.builder(), "AWS.SimpleQueueService.BatchRequestTooLong",
                "Batch requests cannot be longer than " + limit + " bytes. You have sent " + bytes + " bytes.");
    }

    private static SqsException fill(SqsException.Builder builder, String code, String message) {
        return (SqsException) ServiceErrors.modeled(builder, SERVICE, 400, code, message);
    }
}
