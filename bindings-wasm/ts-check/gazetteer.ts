// A typed consumer of the gazetteer functions: the page fetches the
// package's gazetteer.bin on demand and passes the bytes to loadGazetteer.
import init, {
  loadGazetteer, gazetteerLoaded, regionName, regionNames, regionChildren, checkRegionCode,
  type GazetteerInfo, type RegionNames, type Region, type KnownRegion, type Outcome,
} from "kampung";

export async function names(): Promise<void> {
  await init();
  if (!gazetteerLoaded()) {
    const res = await fetch(new URL("gazetteer.bin", import.meta.url));
    const info: GazetteerInfo = loadGazetteer(new Uint8Array(await res.arrayBuffer()));
    const reg: string = info.source.regulation;
    const villages: number = info.counts.desa + info.counts.kelurahan + info.counts.desa_adat;
    console.log(reg, villages);
  }
  const name: string | null = regionName("31.74.06.1003");
  const all: RegionNames | null = regionNames("31.74.06.1003");
  if (all) console.log(all.provinsi, all.kecamatan ?? "");
  const provinces: Region[] = regionChildren();
  const kabkota: Region[] = regionChildren(provinces[0].code);
  const checked: Outcome<KnownRegion> = checkRegionCode("32.01.99.2001", { locale: "en" });
  if (checked.status === "valid") console.log(checked.value.names.kabupaten_kota, checked.value.kind);
  else console.log(checked.errors[0].code === "wilayah_not_in_gazetteer");
  checkRegionCode("31"); // options are optional
  console.log(name, kabkota.length);
  // @ts-expect-error: the bytes are a Uint8Array, not a URL
  loadGazetteer("gazetteer.bin");
}
