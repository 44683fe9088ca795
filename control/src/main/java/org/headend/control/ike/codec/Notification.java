package org.headend.control.ike.codec;

/**
 * A received Notify payload, decoded.
 *
 * @param protocol 0 for the IKE SA, {@link Ike#PROTOCOL_ESP} for a child
 */
public record Notification(int protocol, int type, byte[] spi, byte[] data)
{
    public Notification
    {
        spi = spi.clone();
        data = data.clone();
    }

    @Override
    public byte[] spi()
    {
        return spi.clone();
    }

    @Override
    public byte[] data()
    {
        return data.clone();
    }
}
