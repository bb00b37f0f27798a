import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths.js';

const SOURCE = join(PACKAGE_ROOT, 'test', 'support', 'java', 'DecodedNames.java');

/**
 * Header names as a Java Kafka consumer hands them on (docs/spark.md: Spark's
 * Kafka source gets `Header.key()`, a String the Java client decoded from the
 * name's bytes; every malformed UTF-8 sequence becomes U+FFFD by Java's rules).
 * The expectation comes from the JDK itself (test/support/java/DecodedNames.java),
 * not from a model of its decoder. Keyed and valued by hex.
 */
export function javaDecodedNames(names: Iterable<Buffer>): Promise<Map<string, string>> {
  const hex = [...new Set([...names].map((n) => n.toString('hex')))];
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  return new Promise((resolve, reject) => {
    const child = execFile(java, [SOURCE], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`java DecodedNames.java failed: ${error.message}\n${stderr}`));
      const lines = stdout.split('\n').map((l) => l.trim());
      if (lines.length < hex.length) return reject(new Error(`java DecodedNames.java answered ${lines.length} lines for ${hex.length} names`));
      resolve(new Map(hex.map((name, i) => [name, lines[i]!])));
    });
    child.stdin!.end(hex.map((name) => `${name}\n`).join(''));
  });
}
