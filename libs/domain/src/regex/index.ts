/** User-supplied regexes: RE2 syntax, linear time. */
export * from './re2';
