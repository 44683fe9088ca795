package org.headend.nativecfg.netlink;

/**
 * A reply from the kernel did not parse; the caller wraps it in an exception naming the request.
 */
final class MalformedNetlinkException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    MalformedNetlinkException(final String reason)
    {
        super(reason);
    }
}
