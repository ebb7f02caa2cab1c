package dev.fleetpress.localcloud.sqs;

/**
 * A message localcloud took out of its queue without it being deleted, kept so that nothing is
 * silently lost: it kept failing past the local receive cap of a queue without RedrivePolicy, its
 * RedrivePolicy names a queue this stack does not have, or its retention period ended.
 *
 * @param queueName    the queue it came from
 * @param receiveCount how many times it had been received
 * @param reason       why it was taken out, in words
 */
public record SqsDeadLetter(String queueName, String messageId, String body, int receiveCount, String reason) {
}
