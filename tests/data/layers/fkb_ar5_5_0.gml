<?xml version="1.0" encoding="UTF-8"?>
<!-- Hand-made FKB-AR5 5.0 extract (GML 3.2, 3-D coordinates in ETRS89 / UTM 32N + NN2000 height,
     EPSG:5972): three ArealressursFlate areas (21 fulldyrka jord, 23 innmarksbeite, 30 skog) and
     the ArealressursGrense lines between them, as in Geonorge's FKB downloads. -->
<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2"
    xmlns:app="http://skjema.geonorge.no/SOSI/produktspesifikasjon/FKB-AR5/5.0"
    gml:id="fkb-ar5-test">
  <gml:featureMember>
    <app:ArealressursFlate gml:id="ar5-f1">
      <app:identifikasjon><app:Identifikasjon><app:lokalId>f1</app:lokalId><app:navnerom>https://data.geonorge.no/sosi/fkb-ar5</app:navnerom></app:Identifikasjon></app:identifikasjon>
      <app:datafangstdato>2021-05-04</app:datafangstdato>
      <app:område>
        <gml:Polygon gml:id="ar5-f1-g" srsName="http://www.opengis.net/def/crs/EPSG/0/5972" srsDimension="3">
          <gml:exterior><gml:LinearRing><gml:posList>590000 6643000 50.0 590100 6643000 51.0 590100 6643100 52.5 590000 6643100 51.5 590000 6643000 50.0</gml:posList></gml:LinearRing></gml:exterior>
        </gml:Polygon>
      </app:område>
      <app:arealtype>21</app:arealtype>
      <app:treslag>98</app:treslag>
      <app:skogbonitet>98</app:skogbonitet>
      <app:grunnforhold>44</app:grunnforhold>
    </app:ArealressursFlate>
  </gml:featureMember>
  <gml:featureMember>
    <app:ArealressursFlate gml:id="ar5-f2">
      <app:identifikasjon><app:Identifikasjon><app:lokalId>f2</app:lokalId><app:navnerom>https://data.geonorge.no/sosi/fkb-ar5</app:navnerom></app:Identifikasjon></app:identifikasjon>
      <app:datafangstdato>2021-05-04</app:datafangstdato>
      <app:område>
        <gml:Polygon gml:id="ar5-f2-g" srsName="http://www.opengis.net/def/crs/EPSG/0/5972" srsDimension="3">
          <gml:exterior><gml:LinearRing><gml:posList>590100 6643000 51.0 590150 6643000 51.2 590150 6643100 52.0 590100 6643100 52.5 590100 6643000 51.0</gml:posList></gml:LinearRing></gml:exterior>
        </gml:Polygon>
      </app:område>
      <app:arealtype>23</app:arealtype>
      <app:treslag>98</app:treslag>
      <app:skogbonitet>98</app:skogbonitet>
      <app:grunnforhold>44</app:grunnforhold>
    </app:ArealressursFlate>
  </gml:featureMember>
  <gml:featureMember>
    <app:ArealressursFlate gml:id="ar5-f3">
      <app:identifikasjon><app:Identifikasjon><app:lokalId>f3</app:lokalId><app:navnerom>https://data.geonorge.no/sosi/fkb-ar5</app:navnerom></app:Identifikasjon></app:identifikasjon>
      <app:datafangstdato>2021-05-04</app:datafangstdato>
      <app:område>
        <gml:Polygon gml:id="ar5-f3-g" srsName="http://www.opengis.net/def/crs/EPSG/0/5972" srsDimension="3">
          <gml:exterior><gml:LinearRing><gml:posList>590000 6643100 51.5 590150 6643100 52.0 590150 6643200 55.0 590000 6643200 54.0 590000 6643100 51.5</gml:posList></gml:LinearRing></gml:exterior>
        </gml:Polygon>
      </app:område>
      <app:arealtype>30</app:arealtype>
      <app:treslag>31</app:treslag>
      <app:skogbonitet>13</app:skogbonitet>
      <app:grunnforhold>44</app:grunnforhold>
    </app:ArealressursFlate>
  </gml:featureMember>
  <gml:featureMember>
    <app:ArealressursGrense gml:id="ar5-g1">
      <app:identifikasjon><app:Identifikasjon><app:lokalId>g1</app:lokalId><app:navnerom>https://data.geonorge.no/sosi/fkb-ar5</app:navnerom></app:Identifikasjon></app:identifikasjon>
      <app:grense>
        <gml:LineString gml:id="ar5-g1-g" srsName="http://www.opengis.net/def/crs/EPSG/0/5972" srsDimension="3">
          <gml:posList>590100 6643000 51.0 590100 6643100 52.5</gml:posList>
        </gml:LineString>
      </app:grense>
      <app:avgrensningType>4206</app:avgrensningType>
    </app:ArealressursGrense>
  </gml:featureMember>
  <gml:featureMember>
    <app:ArealressursGrense gml:id="ar5-g2">
      <app:identifikasjon><app:Identifikasjon><app:lokalId>g2</app:lokalId><app:navnerom>https://data.geonorge.no/sosi/fkb-ar5</app:navnerom></app:Identifikasjon></app:identifikasjon>
      <app:grense>
        <gml:LineString gml:id="ar5-g2-g" srsName="http://www.opengis.net/def/crs/EPSG/0/5972" srsDimension="3">
          <gml:posList>590000 6643100 51.5 590150 6643100 52.0</gml:posList>
        </gml:LineString>
      </app:grense>
      <app:avgrensningType>4206</app:avgrensningType>
    </app:ArealressursGrense>
  </gml:featureMember>
</gml:FeatureCollection>
