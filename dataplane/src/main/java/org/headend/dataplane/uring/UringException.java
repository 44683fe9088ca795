package org.headend.dataplane.uring;

/** A system call of this package failed on a set-up path; names the call and the kernel's errno. */
public final class UringException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int errno;

    UringException(final String message, final int errno)
    {
        super(message);
        this.errno = errno;
    }

    /** The errno the kernel returned. */
    public int errno()
    {
        return errno;
    }
}
