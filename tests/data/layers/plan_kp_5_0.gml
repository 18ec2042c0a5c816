<?xml version="1.0" encoding="UTF-8"?>
<!-- Hand-made kommuneplanens arealdel in SOSI-GML 5.0 style: the plan area (KpOmråde) and two
     KpArealformålOmråde with arealbruksstatus 1 (nåværende) and 2 (framtidig), MultiSurface. -->
<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2"
    xmlns:app="http://skjema.geonorge.no/SOSI/produktspesifikasjon/Kommuneplan/5.0"
    gml:id="kp50">
  <gml:featureMember>
    <app:KpOmråde gml:id="kp">
      <app:område><gml:MultiSurface gml:id="kp-g" srsName="http://www.opengis.net/def/crs/EPSG/0/25832"><gml:surfaceMember><gml:Polygon gml:id="kp-p"><gml:exterior><gml:LinearRing><gml:posList>590000 6643000 590200 6643000 590200 6643100 590000 6643100 590000 6643000</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></app:område>
      <app:plannavn>Kommuneplanens arealdel (test)</app:plannavn>
      <app:plantype>21</app:plantype>
    </app:KpOmråde>
  </gml:featureMember>
  <gml:featureMember>
    <app:KpArealformålOmråde gml:id="k1">
      <app:område><gml:MultiSurface gml:id="k1-g" srsName="http://www.opengis.net/def/crs/EPSG/0/25832"><gml:surfaceMember><gml:Polygon gml:id="k1-p"><gml:exterior><gml:LinearRing><gml:posList>590000 6643000 590100 6643000 590100 6643100 590000 6643100 590000 6643000</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></app:område>
      <app:arealformål>1001</app:arealformål>
      <app:arealbruksstatus>1</app:arealbruksstatus>
      <app:feltnavn>B1</app:feltnavn>
    </app:KpArealformålOmråde>
  </gml:featureMember>
  <gml:featureMember>
    <app:KpArealformålOmråde gml:id="k2">
      <app:område><gml:MultiSurface gml:id="k2-g" srsName="http://www.opengis.net/def/crs/EPSG/0/25832"><gml:surfaceMember><gml:Polygon gml:id="k2-p"><gml:exterior><gml:LinearRing><gml:posList>590100 6643000 590200 6643000 590200 6643100 590100 6643100 590100 6643000</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></app:område>
      <app:arealformål>1300</app:arealformål>
      <app:arealbruksstatus>2</app:arealbruksstatus>
      <app:feltnavn>N1</app:feltnavn>
    </app:KpArealformålOmråde>
  </gml:featureMember>
</gml:FeatureCollection>
