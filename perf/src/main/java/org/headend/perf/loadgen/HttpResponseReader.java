package org.headend.perf.loadgen;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one HTTP/1.1 answer from a byte stream as it arrives, with limits: header lines of at most 64 KiB (openconnect
 * splits longer ones), at most 200 header lines, bodies of at most 1 MiB and only with {@code Content-Length} (the
 * auth answers all carry one). A CONNECT answer has no body: whatever follows its empty line is CSTP and stays in
 * the buffer.
 */
final class HttpResponseReader
{
    static final int MAX_LINE = 65_535;
    static final int MAX_HEADERS = 200;
    static final int MAX_BODY = 1 << 20;

    private final boolean noBody;
    private String statusLine;
    private int status;
    private final List<HttpResponse.Header> headers = new ArrayList<>();
    private boolean headersDone;
    private int bodyLength = -1;

    /** @param noBody true for the CONNECT answer: the header block is the whole answer */
    HttpResponseReader(final boolean noBody)
    {
        this.noBody = noBody;
    }

    /**
     * Consumes what it can from {@code in}.
     *
     * @return the answer once complete (bytes after it stay in {@code in}), or null when more bytes are needed
     * @throws Violation {@code http_malformed} on a bad status line, an oversized line, header block or body
     */
    HttpResponse read(final ByteBuf in) throws Violation
    {
        while (!headersDone)
        {
            final String line = readLine(in);
            if (line == null)
            {
                return null;
            }
            if (statusLine == null)
            {
                parseStatus(line);
            }
            else if (line.isEmpty())
            {
                headersDone = true;
            }
            else
            {
                addHeader(line);
            }
        }
        if (noBody)
        {
            return new HttpResponse(statusLine, status, List.copyOf(headers), new byte[0]);
        }
        if (bodyLength < 0)
        {
            bodyLength = contentLength();
        }
        if (in.readableBytes() < bodyLength)
        {
            return null;
        }
        final byte[] body = new byte[bodyLength];
        in.readBytes(body);
        return new HttpResponse(statusLine, status, List.copyOf(headers), body);
    }

    private String readLine(final ByteBuf in) throws Violation
    {
        final int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte)'\n');
        if (lf < 0)
        {
            if (in.readableBytes() > MAX_LINE)
            {
                throw new Violation("http_malformed", "header line longer than " + MAX_LINE + " bytes");
            }
            return null;
        }
        int end = lf;
        if (end > in.readerIndex() && in.getByte(end - 1) == '\r')
        {
            end--;
        }
        final String line = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
        in.readerIndex(lf + 1);
        if (line.length() > MAX_LINE)
        {
            throw new Violation("http_malformed", "header line longer than " + MAX_LINE + " bytes");
        }
        return line;
    }

    private void parseStatus(final String line) throws Violation
    {
        // "HTTP/1.x NNN reason"; openconnect parses the number after the first space
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ')
        {
            throw new Violation("http_malformed", "bad status line");
        }
        try
        {
            status = Integer.parseInt(line.substring(9, 12));
        }
        catch (final NumberFormatException ex)
        {
            throw new Violation("http_malformed", "bad status code");
        }
        statusLine = line;
    }

    private void addHeader(final String line) throws Violation
    {
        if (headers.size() >= MAX_HEADERS)
        {
            throw new Violation("http_malformed", "more than " + MAX_HEADERS + " header lines");
        }
        final int colon = line.indexOf(':');
        if (colon <= 0)
        {
            return; // openconnect ignores lines without a colon
        }
        String value = line.substring(colon + 1);
        if (value.startsWith(" "))
        {
            value = value.substring(1); // one optional space, as openconnect skips
        }
        headers.add(new HttpResponse.Header(line.substring(0, colon), value));
    }

    private int contentLength() throws Violation
    {
        String value = null;
        for (final HttpResponse.Header h : headers)
        {
            if (h.name().equalsIgnoreCase("Content-Length"))
            {
                value = h.value().strip();
            }
            else if (h.name().equalsIgnoreCase("Transfer-Encoding"))
            {
                throw new Violation("http_malformed", "chunked auth answers are not expected");
            }
        }
        if (value == null)
        {
            return 0;
        }
        try
        {
            final int length = Integer.parseInt(value);
            if (length < 0 || length > MAX_BODY)
            {
                throw new Violation("http_malformed", "Content-Length " + value + " out of range");
            }
            return length;
        }
        catch (final NumberFormatException ex)
        {
            throw new Violation("http_malformed", "Content-Length " + value);
        }
    }
}
