package dev.fleetpress.localcloud.ssm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stands in for the KMS key behind SecureString parameters: values are kept AES-GCM encrypted with a
 * key private to the data folder, and a read without decryption returns the base64 ciphertext, as
 * AWS does, so a caller that forgets {@code WithDecryption} visibly gets no plaintext.
 */
final class SecureStrings {
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecureStrings(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** Loads the folder's key, creating it (owner-only) on first use; call it under the folder lock. */
    static SecureStrings load(Path folder) {
        Path keyFile = folder.resolve("secure-string.key");
        try {
            if (!Files.exists(keyFile)) {
                byte[] fresh = new byte[32];
                RANDOM.nextBytes(fresh);
                try {
                    Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.write(keyFile, Base64.getEncoder().encode(fresh));
                } catch (FileAlreadyExistsException raced) {
                    // Another process created it first; its key is the one to use.
                }
            }
            byte[] key = Base64.getDecoder().decode(Files.readString(keyFile, StandardCharsets.US_ASCII).trim());
            if (key.length != 32) {
                throw new IllegalStateException(keyFile + " is not a 256-bit base64 key; delete it only if no SecureString is stored");
            }
            return new SecureStrings(key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the SecureString key " + keyFile, e);
        }
    }

    String encrypt(String plaintext) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
        }
    }

    String decrypt(String ciphertext) {
        try {
            byte[] all = Base64.getDecoder().decode(ciphertext);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
            return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a SecureString in this data folder cannot be decrypted with its key file"
                    + " (was secure-string.key replaced?)", e);
        }
    }
}
