package org.headend.control.ike.codec;

/**
 * An IKE message or payload that breaks RFC 7296's encoding or one of this codec's limits. {@link #notifyType()}
 * is the error notification the responder answers with (RFC 7296 §3.10.1), usually INVALID_SYNTAX.
 */
public final class IkeParseException extends Exception
{
    private final int notifyType;

    public IkeParseException(final String message)
    {
        this(Ike.INVALID_SYNTAX, message);
    }

    public IkeParseException(final int notifyType, final String message)
    {
        super(message, null, false, false);
        this.notifyType = notifyType;
    }

    public int notifyType()
    {
        return notifyType;
    }
}
