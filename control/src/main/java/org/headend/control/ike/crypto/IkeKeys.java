package org.headend.control.ike.crypto;

/**
 * The seven keys of an IKE SA (RFC 7296 §2.14), in prf+ order. SK_ai/SK_ar are empty for AEAD suites.
 */
public record IkeKeys(byte[] skD, byte[] skAi, byte[] skAr, byte[] skEi, byte[] skEr, byte[] skPi, byte[] skPr)
{
    @Override
    public String toString()
    {
        return "IkeKeys[redacted]";
    }
}
