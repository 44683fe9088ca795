package org.headend.control.ike.codec;

import java.util.List;

/**
 * One proposal of an SA payload (RFC 7296 §3.3.1).
 *
 * @param number     the proposal number (the first is 1)
 * @param protocol   {@link Ike#PROTOCOL_IKE} or {@link Ike#PROTOCOL_ESP}
 * @param spi        the sender's SPI: empty in an initial IKE proposal, 8 bytes in an IKE rekey, 4 for ESP
 * @param transforms in their order on the wire
 */
public record Proposal(int number, int protocol, byte[] spi, List<Transform> transforms)
{
    public Proposal
    {
        spi = spi.clone();
        transforms = List.copyOf(transforms);
    }

    @Override
    public byte[] spi()
    {
        return spi.clone();
    }

    /** The transforms of one type, in order. */
    public List<Transform> ofType(final int type)
    {
        return transforms.stream().filter(t -> t.type() == type).toList();
    }
}
