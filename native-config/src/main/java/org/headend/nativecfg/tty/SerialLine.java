package org.headend.nativecfg.tty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.headend.nativecfg.NativeCallException;
import org.headend.nativecfg.libc.Libc;

/**
 * A terminal device opened as a console: read and write, never the process's controlling terminal (a hang-up on the
 * line must not signal the appliance), switched to raw mode while open and put back as it was on {@link #close}.
 * One thread reads and any thread writes; reads block until a key arrives.
 */
public final class SerialLine implements AutoCloseable
{
    private static final int BUFFER = 4096;

    private final String path;
    private final int fd;
    /** Freed by the garbage collector: the reading thread may still be inside read(2) when the line closes. */
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment saved;
    private final MemorySegment readCapture;
    private final MemorySegment readBuffer;
    private final MemorySegment writeCapture;
    private final MemorySegment writeBuffer;
    private final InputStream in = new LineInput();
    private final OutputStream out = new LineOutput();
    private volatile boolean closed;

    private SerialLine(final String path, final int fd)
    {
        this.path = path;
        this.fd = fd;
        this.saved = arena.allocate(Libc.TERMIOS_SIZE);
        this.readCapture = Libc.allocateCapture(arena);
        this.readBuffer = arena.allocate(BUFFER);
        this.writeCapture = Libc.allocateCapture(arena);
        this.writeBuffer = arena.allocate(BUFFER);
    }

    /**
     * Opens {@code path} and puts it in raw mode.
     *
     * @throws NativeCallException when it cannot be opened or is not a terminal
     */
    public static SerialLine open(final String path)
    {
        final int fd = Libc.open(path, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
        final SerialLine line = new SerialLine(path, fd);
        try
        {
            line.makeRaw();
            return line;
        }
        catch (final RuntimeException ex)
        {
            line.release();
            throw ex;
        }
    }

    private void makeRaw()
    {
        Libc.check(Libc.tcgetattr(readCapture, fd, saved), readCapture, "tcgetattr(" + path + ")");
        final MemorySegment raw = arena.allocate(Libc.TERMIOS_SIZE);
        raw.copyFrom(saved);
        Libc.cfmakeraw(raw);
        Libc.check(Libc.tcsetattr(readCapture, fd, Libc.TCSANOW, raw), readCapture, "tcsetattr(" + path + ")");
    }

    /** The device's path. */
    public String path()
    {
        return path;
    }

    /** Bytes typed on the line; end of stream when the line hangs up or is closed. */
    public InputStream input()
    {
        return in;
    }

    /** Bytes to the line, unbuffered. */
    public OutputStream output()
    {
        return out;
    }

    /** Restores the line's settings and closes it. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        Libc.tcsetattr(writeCapture, fd, Libc.TCSANOW, saved);
        release();
    }

    private void release()
    {
        Libc.close(fd);
    }

    private final class LineInput extends InputStream
    {
        @Override
        public int read() throws IOException
        {
            final byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public synchronized int read(final byte[] b, final int off, final int len) throws IOException
        {
            if (len == 0)
            {
                return 0;
            }
            while (!closed)
            {
                final long n = Libc.read(readCapture, fd, readBuffer.address(), Math.min(len, BUFFER));
                if (n > 0)
                {
                    MemorySegment.copy(readBuffer, ValueLayout.JAVA_BYTE, 0, b, off, (int)n);
                    return (int)n;
                }
                if (n == 0)
                {
                    return -1;
                }
                final int errno = Libc.errno(readCapture);
                if (errno == Libc.EIO)
                {
                    return -1; // the other end hung up
                }
                if (errno != Libc.EINTR && errno != Libc.EAGAIN)
                {
                    throw new IOException("read(" + path + "): " + Libc.strerror(errno));
                }
            }
            return -1;
        }
    }

    private final class LineOutput extends OutputStream
    {
        @Override
        public void write(final int b) throws IOException
        {
            write(new byte[] {(byte)b}, 0, 1);
        }

        @Override
        public synchronized void write(final byte[] b, final int off, final int len) throws IOException
        {
            int done = 0;
            while (done < len)
            {
                if (closed)
                {
                    throw new IOException(path + " is closed");
                }
                final int chunk = Math.min(len - done, BUFFER);
                MemorySegment.copy(b, off + done, writeBuffer, ValueLayout.JAVA_BYTE, 0, chunk);
                final long n = Libc.write(writeCapture, fd, writeBuffer.address(), chunk);
                if (n > 0)
                {
                    done += (int)n;
                    continue;
                }
                final int errno = Libc.errno(writeCapture);
                if (errno != Libc.EINTR && errno != Libc.EAGAIN)
                {
                    throw new IOException("write(" + path + "): " + Libc.strerror(errno));
                }
            }
        }
    }
}
