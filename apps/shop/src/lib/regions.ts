/**
 * The full province / city / district list for the Vant Area picker, from the kept package @vant/area-data (MIT,
 * 34 provinces, 369 cities, 3,479 districts). It is about 160 KB, so it is its own chunk, loaded the first time a
 * picker opens, never with the first page.
 */
export interface AreaList {
  province_list: Record<string, string>;
  city_list: Record<string, string>;
  county_list: Record<string, string>;
}

let loading: Promise<AreaList> | null = null;

export function loadAreaList(): Promise<AreaList> {
  loading ??= import('@vant/area-data').then((m) => m.areaList);
  return loading;
}

/** The district code of a region given by names (to open the picker on a saved address), or '' if unknown. */
export function areaCodeOf(list: AreaList, region: readonly string[]): string {
  const [province, city, district] = region;
  for (const [code, name] of Object.entries(list.county_list)) {
    if (name !== district) continue;
    const cityName = list.city_list[`${code.slice(0, 4)}00`];
    const provinceName = list.province_list[`${code.slice(0, 2)}0000`];
    if (cityName === city && provinceName === province) return code;
  }
  return '';
}
