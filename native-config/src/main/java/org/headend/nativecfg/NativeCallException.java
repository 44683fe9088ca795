package org.headend.nativecfg;

/**
 * A system call or kernel request made while setting up or configuring the host failed.
 * <p>
 * Thrown on start-up and configuration paths only; the packet path reports failures as negative return codes.
 * The message names the call and carries the kernel's own words (strerror text, and for rtnetlink the
 * extended-ack message when the kernel sends one) so that an operator can act on it without a debugger.
 */
public final class NativeCallException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * @param call   what was attempted, e.g. {@code "ioctl(TUNSETIFF, tun0)"}.
     * @param errno  the errno the kernel returned, or 0 if the failure was detected in Java.
     * @param detail a human-readable reason, never null.
     */
    public NativeCallException(final String call, final int errno, final String detail)
    {
        super(call + " failed: " + detail + (errno != 0 ? " (errno " + errno + ")" : ""));
        this.call = call;
        this.errno = errno;
    }

    /**
     * @return what was attempted, e.g. {@code "RTM_NEWROUTE 10.0.0.0/8 dev tun0"}.
     */
    public String call()
    {
        return call;
    }

    /**
     * @return the errno reported by the kernel, or 0 if the failure was detected in Java.
     */
    public int errno()
    {
        return errno;
    }
}
