import { describe, expect, it } from 'vitest';
import { GreenlightError } from '../errors.js';
import { errorLine, listenError } from './error-line.js';

describe('errorLine', () => {
  it('one line with the error code, GL_INTERNAL when it has none', () => {
    expect(errorLine(new TypeError("Cannot read properties of undefined (reading 'x')"))).toEqual({
      message: "Cannot read properties of undefined (reading 'x')",
      code: 'GL_INTERNAL',
    });
    const sys = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    expect(errorLine(sys).code).toBe('SQLITE_CORRUPT');
    expect(errorLine(new Error('first\n    second\n')).message).toBe('first | second');
    expect(errorLine('thrown string')).toEqual({ message: 'thrown string', code: 'GL_INTERNAL' });
    expect(errorLine(Object.assign(new Error('x'), { code: 42 })).code).toBe('GL_INTERNAL');
  });
});

describe('listenError', () => {
  const failure = (code: string) =>
    Object.assign(new Error(`listen ${code}`), { code, syscall: 'listen', address: '127.0.0.1', port: 8080 });

  it('names the flag and the address of a port that is taken', () => {
    const err = listenError(failure('EADDRINUSE'), { 8080: 'traffic-port' }) as GreenlightError;
    expect(err).toBeInstanceOf(GreenlightError);
    expect(err.code).toBe('GL_PORT_IN_USE');
    expect(err.message).toBe(
      '--traffic-port 8080: 127.0.0.1:8080 is already in use (another process listens there)',
    );
    expect((listenError(failure('EACCES'), {}) as GreenlightError).code).toBe('GL_PORT_DENIED');
    expect((listenError(failure('EADDRNOTAVAIL'), {}) as GreenlightError).message).toBe(
      '127.0.0.1 is not an address of this machine',
    );
  });

  it('finds the failure inside an error that wraps it', () => {
    const wrapped = new GreenlightError('GL_LISTEN', 'cannot listen', { cause: failure('EADDRINUSE') });
    expect((listenError(wrapped, { 8080: 'port' }) as GreenlightError).message).toMatch(/^--port 8080: /);
  });

  it('leaves every other error as it was', () => {
    const other = new Error('boom');
    expect(listenError(other, { 8080: 'port' })).toBe(other);
  });
});
