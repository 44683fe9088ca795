package org.headend.control.ike.codec;

/**
 * One transform of a proposal (RFC 7296 §3.3.2).
 *
 * @param type      {@link Ike#TRANSFORM_ENCR} … {@link Ike#TRANSFORM_ESN}
 * @param id        the transform ID within its type
 * @param keyLength the Key Length attribute in bits, or 0 when absent
 */
public record Transform(int type, int id, int keyLength)
{
    public Transform(final int type, final int id)
    {
        this(type, id, 0);
    }
}
