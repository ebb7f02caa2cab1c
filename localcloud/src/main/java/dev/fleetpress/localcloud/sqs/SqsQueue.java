package dev.fleetpress.localcloud.sqs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The messages of one standard queue and the rules SQS applies to them: delays, visibility timeouts,
 * receive counts, receipt handles, retention and the receive limit after which a message leaves the
 * queue. Times are local nanoseconds ({@link System#nanoTime()}), already scaled by the caller.
 * Thread-safe: every method holds the queue's lock.
 */
final class SqsQueue {
    private final QueueSpec spec;
    private final int receiveLimit;
    private final long createdMillis;
    private final Map<String, Stored> messages = new LinkedHashMap<>();

    /**
     * @param receiveLimit receives after which a message leaves the queue on its next receive (the
     *                     RedrivePolicy's maxReceiveCount, else the local cap)
     */
    SqsQueue(QueueSpec spec, int receiveLimit, long createdMillis) {
        this.spec = spec;
        this.receiveLimit = receiveLimit;
        this.createdMillis = createdMillis;
    }

    QueueSpec spec() {
        return spec;
    }

    long createdMillis() {
        return createdMillis;
    }

    /** A message as SQS keeps it; the mutable fields change under the queue's lock only. */
    static final class Stored {
        final String id;
        final String body;
        final String md5OfBody;
        final String md5OfAttributes;
        final Map<String, MessageAttributeValue> attributes;
        final long sentMillis;
        final String senderId;
        final String deadLetterSourceArn;
        final long expiresAtNanos;
        int receiveCount;
        long firstReceiveMillis;
        long visibleAtNanos;
        String receiptHandle = "";

        Stored(String id, String body, Map<String, MessageAttributeValue> attributes, long sentMillis, String senderId,
               String deadLetterSourceArn, long visibleAtNanos, long expiresAtNanos) {
            this.id = id;
            this.body = body;
            this.md5OfBody = MessageDigests.ofBody(body);
            this.attributes = Map.copyOf(attributes);
            this.md5OfAttributes = MessageDigests.ofAttributes(this.attributes);
            this.sentMillis = sentMillis;
            this.senderId = senderId;
            this.deadLetterSourceArn = deadLetterSourceArn;
            this.visibleAtNanos = visibleAtNanos;
            this.expiresAtNanos = expiresAtNanos;
        }
    }

    /** What one receive hands out: a snapshot, safe to read outside the lock. */
    record Received(String messageId, String receiptHandle, String body, String md5OfBody, String md5OfAttributes,
                    Map<String, MessageAttributeValue> attributes, int receiveCount, long sentMillis,
                    long firstReceiveMillis, String senderId, String deadLetterSourceArn) {
    }

    /** A message that left the queue without being deleted, and why. */
    record Expelled(Stored message, boolean receiveLimitReached, String reason) {
    }

    /** The outcome of a receive: the messages handed out and those that left the queue instead. */
    record Receipt(List<Received> received, List<Expelled> expelled) {
    }

    /** The three counts GetQueueAttributes reports. */
    record Counts(int visible, int delayed, int notVisible) {
    }

    synchronized void add(Stored message) {
        messages.put(message.id, message);
    }

    /**
     * Hands out up to {@code max} visible messages, oldest first, each hidden for
     * {@code visibilityNanos}. A visible message already received {@code receiveLimit} times leaves
     * the queue instead, as SQS redrives it on the receive after its maxReceiveCount; an expired one
     * leaves it too.
     */
    synchronized Receipt receive(int max, long visibilityNanos, long nowNanos, long nowMillis) {
        List<Received> received = new ArrayList<>();
        List<Expelled> expelled = expire(nowNanos);
        Iterator<Stored> it = messages.values().iterator();
        while (it.hasNext() && received.size() < max) {
            Stored m = it.next();
            if (m.visibleAtNanos > nowNanos) {
                continue;
            }
            if (m.receiveCount >= receiveLimit) {
                it.remove();
                expelled.add(new Expelled(m, true, "received " + m.receiveCount + " times without being deleted "
                        + (spec.redrive().isSet() ? "(RedrivePolicy maxReceiveCount " + receiveLimit + ")"
                        : "(no RedrivePolicy; localcloud's cap of " + receiveLimit + " receives)")));
                continue;
            }
            m.receiveCount++;
            if (m.firstReceiveMillis == 0) {
                m.firstReceiveMillis = nowMillis;
            }
            m.visibleAtNanos = nowNanos + visibilityNanos;
            m.receiptHandle = handle(m.id);
            received.add(new Received(m.id, m.receiptHandle, m.body, m.md5OfBody, m.md5OfAttributes, m.attributes,
                    m.receiveCount, m.sentMillis, m.firstReceiveMillis, m.senderId, m.deadLetterSourceArn));
        }
        return new Receipt(received, expelled);
    }

    /**
     * Deletes the message the handle was issued for. As SQS documents, deleting a message that is
     * already gone succeeds, and a handle older than the message's latest receive deletes nothing.
     */
    synchronized boolean delete(String receiptHandle) {
        Stored m = messages.get(messageId(receiptHandle));
        if (m == null || !m.receiptHandle.equals(receiptHandle)) {
            return false;
        }
        messages.remove(m.id);
        return true;
    }

    /** Restarts the visibility timeout of an in-flight message from now. */
    synchronized void changeVisibility(String receiptHandle, long visibilityNanos, long nowNanos) {
        Stored m = messages.get(messageId(receiptHandle));
        if (m == null || !m.receiptHandle.equals(receiptHandle) || m.visibleAtNanos <= nowNanos) {
            throw SqsErrors.messageNotInflight();
        }
        m.visibleAtNanos = nowNanos + visibilityNanos;
    }

    synchronized Counts counts(long nowNanos) {
        int visible = 0;
        int delayed = 0;
        int notVisible = 0;
        for (Stored m : messages.values()) {
            if (m.visibleAtNanos <= nowNanos) {
                visible++;
            } else if (m.receiveCount == 0) {
                delayed++;
            } else {
                notVisible++;
            }
        }
        return new Counts(visible, delayed, notVisible);
    }

    synchronized boolean isEmpty() {
        return messages.isEmpty();
    }

    private List<Expelled> expire(long nowNanos) {
        List<Expelled> out = new ArrayList<>();
        Iterator<Stored> it = messages.values().iterator();
        while (it.hasNext()) {
            Stored m = it.next();
            if (m.expiresAtNanos <= nowNanos) {
                it.remove();
                out.add(new Expelled(m, false, "its retention period of " + spec.messageRetentionSeconds()
                        + " s ended (SQS deletes such messages; localcloud keeps them here)"));
            }
        }
        return out;
    }

    /** A fresh handle per receive that names its message, so a delete finds it without a second index. */
    private static String handle(String messageId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (messageId + "#" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
    }

    private static String messageId(String receiptHandle) {
        if (receiptHandle == null || receiptHandle.isEmpty()) {
            throw SqsErrors.missingParameter("ReceiptHandle");
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(receiptHandle), StandardCharsets.UTF_8);
            int hash = decoded.indexOf('#');
            if (hash > 0) {
                return decoded.substring(0, hash);
            }
        } catch (IllegalArgumentException e) {
            throw SqsErrors.receiptHandleInvalid(receiptHandle);
        }
        throw SqsErrors.receiptHandleInvalid(receiptHandle);
    }
}
