package org.headend.control.dhcp;

/** A datagram that is not a well-formed DHCP message; the text says what is wrong, never what it held. */
public final class DhcpFormatException extends Exception
{
    private static final long serialVersionUID = 1L;

    public DhcpFormatException(final String message)
    {
        super(message);
    }
}
