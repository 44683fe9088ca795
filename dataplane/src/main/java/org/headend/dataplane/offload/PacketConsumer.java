package org.headend.dataplane.offload;

import org.agrona.MutableDirectBuffer;

/** Receives one plain IP packet; the bytes are valid only during the call. */
@FunctionalInterface
public interface PacketConsumer
{
    void accept(MutableDirectBuffer buffer, int offset, int length);
}
