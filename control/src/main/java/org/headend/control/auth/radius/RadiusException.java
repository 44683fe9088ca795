package org.headend.control.auth.radius;

/** A RADIUS datagram that is malformed or does not come from a holder of the shared secret. */
public final class RadiusException extends Exception
{
    public RadiusException(final String message)
    {
        super(message);
    }
}
