/** A source map (revision 3), as the packages ship them. */
export interface SourceMap {
  version: number;
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
  sourceRoot?: string;
  file?: string;
}

/** The map without the sources `drop` selects; segments that pointed into them become unmapped. */
export declare const dropSources: (map: SourceMap, drop: (source: string) => boolean) => SourceMap;
/** True for a source path that goes through a `node_modules` folder. */
export declare const isDependencySource: (source: string) => boolean;
/** Removes the sources of bundled dependencies from every `.map` file directly in `dir`. */
export declare const stripBundledSources: (dir: string) => string[];
