<?xml version="1.0" encoding="utf-8"?>
<wfs:FeatureCollection
  xmlns="http://skjema.geonorge.no/SOSI/produktspesifikasjon/FKB-AR5/5.0/"
  xmlns:wfs="http://www.opengis.net/wfs/2.0"
  xmlns:gml="http://www.opengis.net/gml/3.2"
  xmlns:xlink="http://www.w3.org/1999/xlink"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://skjema.geonorge.no/SOSI/produktspesifikasjon/FKB-AR5/5.0/ http://skjema.geonorge.no/SOSITEST/produktspesifikasjon/FKB-AR5/5.0/FKB-AR550.xsd http://www.opengis.net/wfs/2.0 http://schemas.opengis.net/wfs/2.0/wfs.xsd"
  timeStamp="2025-03-01T08:00:00Z"
  numberMatched="unknown"
  numberReturned="0">
  <wfs:member>
    <ArealressursFlate gml:id="ArealressursFlate.1">
      <identifikasjon>
        <Identifikasjon>
          <lokalId>3c1f0a2e-51d4-4b6e-9a1c-000000000001</lokalId>
          <navnerom>http://data.geonorge.no/SOSI/FKB-AR5</navnerom>
          <versjonId>2024-10-01 08:00:00</versjonId>
        </Identifikasjon>
      </identifikasjon>
      <oppdateringsdato>2024-10-01T08:00:00Z</oppdateringsdato>
      <datafangstdato>2019-06-14</datafangstdato>
      <registreringsversjon>2014-03-01</registreringsversjon>
      <opphav>3201</opphav>
      <verifiseringsdato>2023-05-30</verifiseringsdato>
      <kvalitet>
        <Posisjonskvalitet>
          <datafangstmetode>fot</datafangstmetode>
          <nøyaktighet>200</nøyaktighet>
          <synbarhet>0</synbarhet>
        </Posisjonskvalitet>
      </kvalitet>
      <område>
        <gml:Polygon gml:id="ArealressursFlate.1.område" srsName="http://www.opengis.net/def/crs/epsg/0/5972" srsDimension="3">
          <gml:exterior>
            <gml:LinearRing>
              <gml:posList>589300.00 6640900.00 60.0 589500.00 6640900.00 60.4 589500.00 6641100.00 60.8 589300.00 6641100.00 61.2 589300.00 6640900.00 60.0</gml:posList>
            </gml:LinearRing>
          </gml:exterior>
          <gml:interior>
            <gml:LinearRing>
              <gml:posList>589380.00 6640980.00 61.0 589380.00 6641000.00 61.0 589400.00 6641000.00 61.0 589400.00 6640980.00 61.0 589380.00 6640980.00 61.0</gml:posList>
            </gml:LinearRing>
          </gml:interior>
        </gml:Polygon>
      </område>
      <posisjon>
        <gml:Point srsName="http://www.opengis.net/def/crs/epsg/0/5972" srsDimension="3">
          <gml:pos>589400.00 6641000.00 60.0</gml:pos>
        </gml:Point>
      </posisjon>
      <arealtype>21</arealtype>
      <treslag>98</treslag>
      <skogbonitet>98</skogbonitet>
      <grunnforhold>44</grunnforhold>
      <klassifiseringsmetode>uAnnen</klassifiseringsmetode>
      <avgrensesAvArealressursGrense xlink:href="#ArealressursGrense.1"/>
    </ArealressursFlate>
  </wfs:member>
  <wfs:member>
    <ArealressursFlate gml:id="ArealressursFlate.2">
      <identifikasjon>
        <Identifikasjon>
          <lokalId>3c1f0a2e-51d4-4b6e-9a1c-000000000002</lokalId>
          <navnerom>http://data.geonorge.no/SOSI/FKB-AR5</navnerom>
          <versjonId>2024-10-01 08:00:00</versjonId>
        </Identifikasjon>
      </identifikasjon>
      <oppdateringsdato>2024-10-01T08:00:00Z</oppdateringsdato>
      <datafangstdato>2019-06-14</datafangstdato>
      <registreringsversjon>2014-03-01</registreringsversjon>
      <opphav>3201</opphav>
      <verifiseringsdato>2023-05-30</verifiseringsdato>
      <kvalitet>
        <Posisjonskvalitet>
          <datafangstmetode>fot</datafangstmetode>
          <nøyaktighet>200</nøyaktighet>
          <synbarhet>0</synbarhet>
        </Posisjonskvalitet>
      </kvalitet>
      <område>
        <gml:Polygon gml:id="ArealressursFlate.2.område" srsName="http://www.opengis.net/def/crs/epsg/0/5972" srsDimension="3">
          <gml:exterior>
            <gml:LinearRing>
              <gml:posList>589600.00 6641300.00 72.5 589800.00 6641300.00 72.9 589800.00 6641450.00 73.3 589600.00 6641450.00 73.7 589600.00 6641300.00 72.5</gml:posList>
            </gml:LinearRing>
          </gml:exterior>
        </gml:Polygon>
      </område>
      <posisjon>
        <gml:Point srsName="http://www.opengis.net/def/crs/epsg/0/5972" srsDimension="3">
          <gml:pos>589700.00 6641375.00 72.5</gml:pos>
        </gml:Point>
      </posisjon>
      <arealtype>23</arealtype>
      <treslag>98</treslag>
      <skogbonitet>98</skogbonitet>
      <grunnforhold>44</grunnforhold>
      <klassifiseringsmetode>uAnnen</klassifiseringsmetode>
      <avgrensesAvArealressursGrense xlink:href="#ArealressursGrense.2"/>
    </ArealressursFlate>
  </wfs:member>
  <wfs:member>
    <ArealressursFlate gml:id="ArealressursFlate.3">
      <identifikasjon>
        <Identifikasjon>
          <lokalId>3c1f0a2e-51d4-4b6e-9a1c-000000000003</lokalId>
          <navnerom>http://data.geonorge.no/SOSI/FKB-AR5</navnerom>
          <versjonId>2024-10-01 08:00:00</versjonId>
        </Identifikasjon>
      </identifikasjon>
      <oppdateringsdato>2024-10-01T08:00:00Z</oppdateringsdato>
      <datafangstdato>2019-06-14</datafangstdato>
      <registreringsversjon>2014-03-01</registreringsversjon>
      <opphav>3201</opphav>
      <verifiseringsdato>2023-05-30</verifiseringsdato>
      <kvalitet>
        <Posisjonskvalitet>
          <datafangstmetode>fot</datafangstmetode>
          <nøyaktighet>200</nøyaktighet>
          <synbarhet>0</synbarhet>
        </Posisjonskvalitet>
      </kvalitet>
      <område>
        <gml:Polygon gml:id="ArealressursFlate.3.område" srsName="http://www.opengis.net/def/crs/epsg/0/5972" srsDimension="3">
          <gml:exterior>
            <gml:LinearRing>
              <gml:posList>589300.00 6641500.00 85.0 589700.00 6641500.00 85.4 589700.00 6641900.00 85.8 589300.00 6641900.00 86.2 589300.00 6641500.00 85.0</gml:posList>
            </gml:LinearRing>
          </gml:exterior>
        </gml:Polygon>
      </område>
      <posisjon>
        <gml:Point srsName="http://www.opengis.net/def/crs/epsg/0/5972" srsDimension="3">
          <gml:pos>589500.00 6641700.00 85.0</gml:pos>
        </gml:Point>
      </posisjon>
      <arealtype>30</arealtype>
      <treslag>33</treslag>
      <skogbonitet>14</skogbonitet>
      <grunnforhold>44</grunnforhold>
      <klassifiseringsmetode>uAnnen</klassifiseringsmetode>
      <avgrensesAvArealressursGrense xlink:href="#ArealressursGrense.3"/>
    </ArealressursFlate>
  </wfs:member>
  <wfs:member>
    <ArealressursFlate gml:id="ArealressursFlate.4">
      <identifikasjon>
        <Identifikasjon>
          <lokalId>3c1f0a2e-51d4-4b6e-9a1c-000000000004</lokalId>
          <navnerom>http://data.geonorge.no/SOSI/FKB-AR5</navnerom>
          <versjonId>2024-10-01 08:00:00</versjonId>
        </Identifikasjon>
      </identifikasjon>
      <oppdateringsdato>2024-10-01T08:00:00Z</oppdateringsdato>
      <datafangstdato>2019-06-14</datafangstdato>
      <registreringsversjon>2014-03-01</registreringsversjon>
      <opphav>3201</opphav>
      <verifiseringsdato>2023-05-30</verifiseringsdato>
      <kvalitet>
        <Posisjonskvalitet>
          <datafangstmetode>fot</datafangstmetode>
          <nøyaktighet>200</nøyaktighet>
          <synbarhet>0</synbarhet>
        </Posisjonskvalitet>
      </kvalitet>
      <område>
        <gml:Polygon gml:id="ArealressursFlate.4.område" srsName="http://www.opengis.net/def/crs/epsg/0/5972" srsDimension="3">
          <gml:exterior>
            <gml:LinearRing>
              <gml:posList>591000.00 6641000.00 55.0 591100.00 6641000.00 55.4 591100.00 6641100.00 55.8 591000.00 6641100.00 56.2 591000.00 6641000.00 55.0</gml:posList>
            </gml:LinearRing>
          </gml:exterior>
        </gml:Polygon>
      </område>
      <posisjon>
        <gml:Point srsName="http://www.opengis.net/def/crs/epsg/0/5972" srsDimension="3">
          <gml:pos>591050.00 6641050.00 55.0</gml:pos>
        </gml:Point>
      </posisjon>
      <arealtype>22</arealtype>
      <treslag>98</treslag>
      <skogbonitet>98</skogbonitet>
      <grunnforhold>44</grunnforhold>
      <klassifiseringsmetode>uAnnen</klassifiseringsmetode>
      <avgrensesAvArealressursGrense xlink:href="#ArealressursGrense.4"/>
    </ArealressursFlate>
  </wfs:member>
  <wfs:member>
    <ArealressursGrense gml:id="ArealressursGrense.1">
      <identifikasjon>
        <Identifikasjon>
          <lokalId>7d2e5b10-0c3a-4f0e-8f7b-000000000001</lokalId>
          <navnerom>http://data.geonorge.no/SOSI/FKB-AR5</navnerom>
          <versjonId>2024-10-01 08:00:00</versjonId>
        </Identifikasjon>
      </identifikasjon>
      <oppdateringsdato>2024-10-01T08:00:00Z</oppdateringsdato>
      <datafangstdato>2019-06-14</datafangstdato>
      <registreringsversjon>2014-03-01</registreringsversjon>
      <kvalitet>
        <Posisjonskvalitet>
          <datafangstmetode>fot</datafangstmetode>
          <nøyaktighet>200</nøyaktighet>
          <synbarhet>0</synbarhet>
        </Posisjonskvalitet>
      </kvalitet>
      <grense>
        <gml:LineString srsName="http://www.opengis.net/def/crs/epsg/0/5972" srsDimension="3">
          <gml:posList>589300.00 6640900.00 60.0 589500.00 6640900.00 60.4 589500.00 6641100.00 60.8 589300.00 6641100.00 61.2 589300.00 6640900.00 60.0</gml:posList>
        </gml:LineString>
      </grense>
      <avgrensingType>4206</avgrensingType>
    </ArealressursGrense>
  </wfs:member>
  <wfs:member>
    <ArealressursGrense gml:id="ArealressursGrense.2">
      <identifikasjon>
        <Identifikasjon>
          <lokalId>7d2e5b10-0c3a-4f0e-8f7b-000000000002</lokalId>
          <navnerom>http://data.geonorge.no/SOSI/FKB-AR5</navnerom>
          <versjonId>2024-10-01 08:00:00</versjonId>
        </Identifikasjon>
      </identifikasjon>
      <oppdateringsdato>2024-10-01T08:00:00Z</oppdateringsdato>
      <datafangstdato>2019-06-14</datafangstdato>
      <registreringsversjon>2014-03-01</registreringsversjon>
      <kvalitet>
        <Posisjonskvalitet>
          <datafangstmetode>fot</datafangstmetode>
          <nøyaktighet>200</nøyaktighet>
          <synbarhet>0</synbarhet>
        </Posisjonskvalitet>
      </kvalitet>
      <grense>
        <gml:LineString srsName="http://www.opengis.net/def/crs/epsg/0/5972" srsDimension="3">
          <gml:posList>589600.00 6641300.00 72.5 589800.00 6641300.00 72.9 589800.00 6641450.00 73.3 589600.00 6641450.00 73.7 589600.00 6641300.00 72.5</gml:posList>
        </gml:LineString>
      </grense>
      <avgrensingType>4206</avgrensingType>
    </ArealressursGrense>
  </wfs:member>
</wfs:FeatureCollection>
