// vertica-nodejs ships no type declarations; vertica-client.ts declares the slice we use.
declare module 'vertica-nodejs';
